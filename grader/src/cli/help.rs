//! The command line in the grader's language: `-h` and `--help` of every
//! command read Korean when the grader speaks Korean (`--lang ko` or a Korean
//! locale), worded by the catalog `messages::cli_help_ko`; in English the
//! tree is clap's own, from the doc comments of this module's siblings.
//!
//! The Korean tree is made in two steps. Before clap builds the tree, each
//! description the doc comments gave (a command's about, an argument's help, a
//! `--format` or `--lang` value's help) is replaced by its Korean: the global
//! arguments are then still only on `grader`, where the catalog keys them, and
//! the copies clap makes of them and of the commands (for its `help` command)
//! are made from the Korean. Then clap builds the tree, adding its `-h/--help`,
//! `-V/--version` and `help`, and the words clap writes itself are replaced on
//! every command: the headings, the usage heading (through a help template, so
//! clap still writes the usage) and the lines of what it added. Words clap has
//! no setting for stay English: `[default: ...]`, `[possible values: ...]`,
//! `Possible values:` and its parse errors.

use std::any::TypeId;
use std::ffi::OsStr;
use std::marker::PhantomData;

use clap::builder::styling::Style;
use clap::builder::{EnumValueParser, PossibleValue, TypedValueParser};
use clap::{Arg, ArgAction, Command, CommandFactory, ValueEnum};
use threadlings_grader::i18n::Lang;
use threadlings_grader::messages::cli_help_ko::{self as ko, Key};
use threadlings_grader::report::Format;

use super::Cli;

/// The command tree to parse with, its help in `lang`.
pub fn command(lang: Lang) -> Command {
    match lang {
        Lang::En => Cli::command(),
        Lang::Ko => {
            let mut korean = translate(Cli::command(), "");
            korean.build();
            korean_chrome(korean)
        }
    }
}

/// `cmd` with the catalog's Korean for its descriptions and its arguments',
/// and so for the commands under it; `parent` is the path of the command
/// that holds it (empty for `grader`).
fn translate(cmd: Command, parent: &str) -> Command {
    let path = path_of(&cmd, parent);
    let cmd = in_korean(cmd, Key::About(&path), |cmd, text| cmd.about(text));
    let cmd = in_korean(cmd, Key::LongAbout(&path), |cmd, text| cmd.long_about(text));
    cmd.mut_args(|arg| translate_arg(arg, &path))
        .mut_subcommands(|sub| translate(sub, &path))
}

/// The catalog's name of `cmd`: its path as typed, `grader verify`.
fn path_of(cmd: &Command, parent: &str) -> String {
    if parent.is_empty() {
        cmd.get_name().to_string()
    } else {
        format!("{parent} {}", cmd.get_name())
    }
}

fn translate_arg(arg: Arg, path: &str) -> Arg {
    let id = arg.get_id().to_string();
    let arg = in_korean(arg, Key::Help(path, &id), |arg, text| arg.help(text));
    let arg = in_korean(arg, Key::LongHelp(path, &id), |arg, text| {
        arg.long_help(text)
    });
    korean_values(arg)
}

/// `item` with its text for `key` set to the catalog's Korean. Without an
/// entry (which the tests do not allow) the English stays.
fn in_korean<T>(item: T, key: Key<'_>, set: impl FnOnce(T, &'static str) -> T) -> T {
    match ko::text(key) {
        Some(text) => set(item, text),
        None => item,
    }
}

/// `arg` whose possible values (an enum's variants, described by their doc
/// comments) are described in Korean. clap keeps them in the value parser,
/// so the parser is swapped for one that parses the same enum; the type is
/// told by the parser clap derived, and each enum the command line offers is
/// named here (a new one fails the tests until it is).
fn korean_values(arg: Arg) -> Arg {
    let parsed = arg.get_value_parser().type_id();
    if parsed == TypeId::of::<Format>() {
        arg.value_parser(KoreanValues::<Format>(PhantomData))
    } else if parsed == TypeId::of::<Lang>() {
        arg.value_parser(KoreanValues::<Lang>(PhantomData))
    } else {
        arg
    }
}

/// Parses an enum as clap's derived parser does, and lists its values with
/// their Korean descriptions.
#[derive(Clone)]
struct KoreanValues<E>(PhantomData<E>);

impl<E: ValueEnum + Clone + Send + Sync + 'static> TypedValueParser for KoreanValues<E> {
    type Value = E;

    fn parse_ref(&self, cmd: &Command, arg: Option<&Arg>, value: &OsStr) -> Result<E, clap::Error> {
        EnumValueParser::<E>::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        let values = E::value_variants()
            .iter()
            .filter_map(ValueEnum::to_possible_value)
            .map(|value| {
                let key = Key::Value(value.get_name());
                match ko::text(key) {
                    Some(text) => value.help(text),
                    None => value,
                }
            });
        Some(Box::new(values))
    }
}

/// `cmd`, built, with the words clap writes itself in Korean, and so the
/// commands under it.
fn korean_chrome(cmd: Command) -> Command {
    let template = help_template(cmd.get_styles().get_usage());
    let cmd = cmd
        .help_template(template)
        .subcommand_help_heading(ko::COMMANDS_HEADING)
        .mut_args(korean_arg_chrome)
        .mut_subcommands(korean_chrome);
    // clap's `help` command (and the `help` under it) is the only command
    // clap adds, and no command of ours is named so.
    if cmd.get_name() == "help" {
        cmd.about(ko::HELP_COMMAND)
    } else {
        cmd
    }
}

/// clap's default help template with the usage heading in Korean, styled as
/// clap styles its own.
fn help_template(usage: &Style) -> String {
    format!(
        "{{before-help}}{{about-with-newline}}\n{usage}{}{usage:#} {{usage}}\n\n{{all-args}}{{after-help}}",
        ko::USAGE_HEADING
    )
}

/// `arg` under a Korean heading, and clap's own `-h/--help` and
/// `-V/--version` described in Korean (the help flag's two texts where clap
/// gave it two: when `--help` shows more than `-h`).
fn korean_arg_chrome(arg: Arg) -> Arg {
    let arg = match arg.get_action() {
        ArgAction::Help if arg.get_long_help().is_some() => arg
            .help(ko::HELP_FLAG_SEE_MORE)
            .long_help(ko::HELP_FLAG_SEE_SUMMARY),
        ArgAction::Help => arg.help(ko::HELP_FLAG),
        ArgAction::Version => arg.help(ko::VERSION_FLAG),
        _ => arg,
    };
    under_korean_heading(arg)
}

/// clap's "Arguments" and "Options" are fixed words: an argument with a
/// heading of its own is listed under that instead. Options keep clap's
/// order (their display order); a positional argument gets its place on the
/// command line as its display order, the order "Arguments" lists them in.
fn under_korean_heading(arg: Arg) -> Arg {
    match arg.get_index() {
        Some(place) => arg.help_heading(ko::ARGUMENTS_HEADING).display_order(place),
        None => arg.help_heading(ko::OPTIONS_HEADING),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use clap::FromArgMatches;

    use super::*;

    fn has_hangul(text: &str) -> bool {
        text.chars().any(|c| ('가'..='힣').contains(&c))
    }

    /// The catalog keys of every description in the English tree under
    /// `cmd` (not built: only `grader` holds the global arguments, and clap
    /// has added nothing), as `Key`'s debug form.
    fn described(cmd: &Command, parent: &str, keys: &mut BTreeSet<String>) {
        let path = path_of(cmd, parent);
        assert!(cmd.get_about().is_some(), "`{path}` has no doc comment");
        keys.insert(format!("{:?}", Key::About(&path)));
        if cmd.get_long_about().is_some() {
            keys.insert(format!("{:?}", Key::LongAbout(&path)));
        }
        for arg in cmd.get_arguments().filter(|arg| !arg.is_hide_set()) {
            let id = arg.get_id().as_str();
            assert!(
                arg.get_help().is_some(),
                "`{path}`'s {id} has no doc comment"
            );
            keys.insert(format!("{:?}", Key::Help(&path, id)));
            if arg.get_long_help().is_some() {
                keys.insert(format!("{:?}", Key::LongHelp(&path, id)));
            }
            for value in arg.get_possible_values() {
                if !value.is_hide_set() && value.get_help().is_some() {
                    keys.insert(format!("{:?}", Key::Value(value.get_name())));
                }
            }
        }
        for sub in cmd.get_subcommands().filter(|sub| !sub.is_hide_set()) {
            described(sub, &path, keys);
        }
    }

    #[test]
    fn the_catalog_words_every_description_of_the_command_line_and_nothing_else() {
        let mut wanted = BTreeSet::new();
        described(&Cli::command(), "", &mut wanted);
        let worded: BTreeSet<String> = ko::CATALOG
            .iter()
            .map(|(key, _)| format!("{key:?}"))
            .collect();
        let missing: Vec<_> = wanted.difference(&worded).collect();
        let stale: Vec<_> = worded.difference(&wanted).collect();
        assert!(
            missing.is_empty() && stale.is_empty(),
            "messages/cli_help_ko.rs has no Korean for {missing:?}, \
             and words what the command line no longer has: {stale:?}"
        );
    }

    /// Every text the Korean tree under `cmd` shows that is not Korean, with
    /// where it is (the usage heading is in the help template, which clap
    /// does not show: `each_korean_help_is_laid_out_as_the_english_one` reads
    /// it in the rendered help).
    fn english_left(cmd: &Command, found: &mut Vec<String>) {
        let name = cmd.get_name();
        let texts = [cmd.get_about(), cmd.get_long_about()];
        for text in texts.into_iter().flatten() {
            if !has_hangul(&text.to_string()) {
                found.push(format!("{name}: {text}"));
            }
        }
        if !cmd.get_subcommand_help_heading().is_some_and(has_hangul) {
            found.push(format!("{name}: its commands heading"));
        }
        for arg in cmd.get_arguments().filter(|arg| !arg.is_hide_set()) {
            let id = arg.get_id();
            let values = arg.get_possible_values();
            let texts = [arg.get_help(), arg.get_long_help()]
                .into_iter()
                .flatten()
                .chain(values.iter().filter_map(PossibleValue::get_help));
            for text in texts {
                if !has_hangul(&text.to_string()) {
                    found.push(format!("{name} {id}: {text}"));
                }
            }
            if !arg.get_help_heading().is_some_and(has_hangul) {
                found.push(format!("{name} {id}: its heading"));
            }
        }
        for sub in cmd.get_subcommands().filter(|sub| !sub.is_hide_set()) {
            english_left(sub, found);
        }
    }

    #[test]
    fn the_korean_help_has_no_english_description_or_heading_left() {
        let mut found = Vec::new();
        english_left(&command(Lang::Ko), &mut found);
        assert!(found.is_empty(), "still English: {found:#?}");
    }

    /// The help of `grader` and of each command under it, in `lang`:
    /// `(command, -h, --help)`.
    fn every_help(lang: Lang) -> Vec<(String, String, String)> {
        let mut root = command(lang);
        root.build();
        let mut helps = vec![(
            "grader".to_string(),
            root.render_help().to_string(),
            root.render_long_help().to_string(),
        )];
        for sub in root.get_subcommands_mut() {
            helps.push((
                sub.get_name().to_string(),
                sub.render_help().to_string(),
                sub.render_long_help().to_string(),
            ));
        }
        helps
    }

    /// What a help text lists, in order: its headings (the English ones
    /// named in Korean), and the first word of each line that names an
    /// argument or a command (indented less than a description), with how
    /// many lines it has.
    fn layout(help: &str) -> (Vec<&str>, usize) {
        let listed = help
            .lines()
            .skip(1) // the command's description
            .filter_map(|line| {
                let indent = line.len() - line.trim_start().len();
                match indent {
                    0 => line.split(':').next(),
                    1..10 => line.split_whitespace().next(),
                    _ => None,
                }
            })
            .map(|word| match word {
                "Usage" => "사용법",
                "Commands" => "명령",
                "Arguments" => "인자",
                "Options" => "옵션",
                word => word,
            })
            .collect();
        (listed, help.lines().count())
    }

    #[test]
    fn each_korean_help_is_laid_out_as_the_english_one() {
        let english = every_help(Lang::En);
        let korean = every_help(Lang::Ko);
        assert_eq!(english.len(), korean.len());
        for ((name, en_short, en_long), (_, ko_short, ko_long)) in english.iter().zip(&korean) {
            assert_eq!(layout(en_short), layout(ko_short), "{name} -h:\n{ko_short}");
            assert_eq!(
                layout(en_long),
                layout(ko_long),
                "{name} --help:\n{ko_long}"
            );
        }
    }

    #[test]
    fn the_korean_tree_parses_every_command_line_as_the_english_one() {
        let lines: [&[&str]; 8] = [
            &["grader"],
            &["grader", "--format", "json", "--lang", "ko", "--only", "04"],
            &[
                "grader",
                "replay",
                "04",
                "counter_model",
                "--seed",
                "7",
                "--format",
                "html",
            ],
            &[
                "grader",
                "verify",
                "--runs",
                "2",
                "--mutants",
                "--mutants-sample",
                "3",
            ],
            &[
                "grader", "batch", "subs", "--csv", "a.csv", "--shard", "2/8", "--seed", "1",
            ],
            &["grader", "merge", "a.json", "b.json", "--csv", "out.csv"],
            &["grader", "list", "--lang=en", "-q"],
            &["grader", "--format", "yaml"],
        ];
        let parse = |lang: Lang, line: &[&str]| {
            command(lang)
                .try_get_matches_from(line)
                .and_then(|matches| Cli::from_arg_matches(&matches))
                .map(|cli| format!("{cli:?}"))
                .map_err(|error| error.kind())
        };
        for line in lines {
            assert_eq!(parse(Lang::Ko, line), parse(Lang::En, line), "{line:?}");
        }
    }
}
