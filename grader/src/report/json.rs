//! The JSON report: the stable, machine-readable result.

use threadlings_schema::report::GradeReport;

pub fn render(report: &GradeReport) -> String {
    let mut text = serde_json::to_string_pretty(report).expect("reports always serialize");
    text.push('\n');
    text
}
