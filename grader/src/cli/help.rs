//! The command line in the grader's language: `-h` and `--help` of every
//! command, and the errors of a command line clap cannot parse, read Korean
//! when the grader speaks Korean (`--lang ko` or a Korean locale), worded by
//! the catalog `messages::cli_help_ko`; in English the tree and its errors
//! are clap's own, from the doc comments of this module's siblings.
//!
//! The Korean tree is made in two steps. Before clap builds the tree, each
//! description the doc comments gave (a command's about, an argument's help, a
//! `--format` or `--lang` value's help) is replaced by its Korean: the global
//! arguments are then still only on `grader`, where the catalog keys them, and
//! the copies clap makes of them and of the commands (for its `help` command)
//! are made from the Korean. Then clap builds the tree, adding its `-h/--help`,
//! `-V/--version` and `help`, and the words clap writes itself are replaced on
//! every command: the headings, the usage heading (through a help template, so
//! clap still writes the usage) and the lines of what it added. clap has no
//! setting for the words it writes after a description, `[default: ...]`,
//! `[possible values: ...]` and the `Possible values:` list of `--help`: they
//! are hidden, and written in Korean into the description itself, laid out as
//! clap lays them out.
//!
//! A parse error is clap's, with its kind, its context (the argument, the
//! value, the possible values, the suggestions, the usage) and its exit code;
//! [`error_in_korean`] gives it a formatter that words it in Korean as clap's
//! `RichFormatter` lays it out, and clap prints it and exits as it does in
//! English. An error it cannot word whole is printed as clap wrote it, in
//! English: a value refused for a reason only its parser words (`--shard`'s,
//! in its own English; a malformed or out-of-range number is worded here),
//! or a kind clap may add. So nothing of what clap writes stays English in
//! Korean but those reasons.

use std::any::TypeId;
use std::borrow::Cow;
use std::ffi::OsStr;
use std::marker::PhantomData;
use std::num::{IntErrorKind, ParseIntError};

use clap::builder::styling::Style;
use clap::builder::{EnumValueParser, PossibleValue, StyledStr, Styles, TypedValueParser};
use clap::error::{ContextKind, ContextValue, Error as ClapError, ErrorFormatter, ErrorKind};
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
    let styles = cmd.get_styles().clone();
    let template = help_template(styles.get_usage());
    let cmd = cmd
        .help_template(template)
        .subcommand_help_heading(ko::COMMANDS_HEADING)
        .mut_args(|arg| korean_arg_chrome(arg, &styles))
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

/// `arg` under a Korean heading, with its default and possible values in
/// Korean, and clap's own `-h/--help` and `-V/--version` described in Korean
/// (the help flag's two texts where clap gave it two: when `--help` shows more
/// than `-h`).
fn korean_arg_chrome(arg: Arg, styles: &Styles) -> Arg {
    let arg = match arg.get_action() {
        ArgAction::Help if arg.get_long_help().is_some() => arg
            .help(ko::HELP_FLAG_SEE_MORE)
            .long_help(ko::HELP_FLAG_SEE_SUMMARY),
        ArgAction::Help => arg.help(ko::HELP_FLAG),
        ArgAction::Version => arg.help(ko::VERSION_FLAG),
        _ => arg,
    };
    under_korean_heading(with_korean_values(arg, styles))
}

/// `arg` with clap's `[default: X]`, `[possible values: a, b]` and
/// `Possible values:` list hidden and written in Korean into its
/// descriptions, where clap writes them and styled as clap styles them. `-h`
/// shows the description (`help`), each bracket after it on its line;
/// `--help` shows the long description (`long_help`, else `help`), under it
/// the list of the values when they are described, then the brackets, one a
/// line. The tree is built, so whether `--help` shows more than `-h` is
/// already settled (clap counts described values, hidden or not here).
fn with_korean_values(arg: Arg, styles: &Styles) -> Arg {
    if !arg.get_action().takes_values() {
        return arg;
    }
    let (context, value_style) = (styles.get_context(), styles.get_context_value());
    let bracket = |name: &str, values: &[String]| {
        let values: Vec<_> = values
            .iter()
            .map(|value| format!("{value_style}{value}{value_style:#}"))
            .collect();
        let values = values.join(&format!("{context}, {context:#}"));
        format!("{context}[{name}: {context:#}{values}{context}]{context:#}")
    };
    let default = arg.get_default_values();
    let default = (!arg.is_hide_default_value_set() && !default.is_empty()).then(|| {
        let default: Vec<_> = default
            .iter()
            .map(|value| quoted(&value.to_string_lossy()).into_owned())
            .collect();
        // clap joins several default values with a space, in one bracket.
        bracket(ko::DEFAULT_VALUE, &[default.join(" ")])
    });
    let values: Vec<PossibleValue> = if arg.is_hide_possible_values_set() {
        Vec::new()
    } else {
        arg.get_possible_values()
            .into_iter()
            .filter(|value| !value.is_hide_set())
            .collect()
    };
    if default.is_none() && values.is_empty() {
        return arg;
    }
    let names: Vec<String> = values
        .iter()
        .map(|value| quoted(value.get_name()).into_owned())
        .collect();
    let value_bracket = (!values.is_empty()).then(|| bracket(ko::POSSIBLE_VALUES, &names));
    let described = values.iter().any(|value| value.get_help().is_some());

    let ansi = |text: Option<&StyledStr>| text.map(|text| text.ansi().to_string());
    let short = ansi(arg.get_help().or(arg.get_long_help())).unwrap_or_default();
    let mut long = ansi(arg.get_long_help().or(arg.get_help())).unwrap_or_default();

    let brackets: Vec<&str> = [&default, &value_bracket]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    let short = joined(short, " ", &brackets.join(" "));

    let mut long_brackets = brackets;
    if described {
        let list = described_values(&values, styles.get_literal());
        long = joined(long, "\n\n", &list);
        // The list replaces the bracket.
        long_brackets.truncate(usize::from(default.is_some()));
    }
    let long = joined(long, "\n\n", &long_brackets.join("\n"));
    arg.hide_default_value(true)
        .hide_possible_values(true)
        .help(StyledStr::from(short))
        .long_help(StyledStr::from(long))
}

/// clap's list of described values under `Possible values:`, in Korean: a
/// line `- name: description` each, the descriptions aligned.
fn described_values(values: &[PossibleValue], literal: &Style) -> String {
    let widest = values
        .iter()
        .map(|value| value.get_name().chars().count())
        .max()
        .unwrap_or(0);
    let mut list = format!("{}:", ko::POSSIBLE_VALUES);
    for value in values {
        let name = value.get_name();
        list.push_str(&format!("\n- {literal}{name}{literal:#}"));
        if let Some(help) = value.get_help() {
            let padding = widest - name.chars().count();
            // clap indents a description's further lines under its first.
            let help = help.ansi().to_string().replace('\n', "\n  ");
            list.push_str(&format!(": {:padding$}{help}", ""));
        }
    }
    list
}

/// `text`, then `more` after `separator` (only `more` when `text` is empty).
fn joined(text: String, separator: &str, more: &str) -> String {
    match (text.is_empty(), more.is_empty()) {
        (_, true) => text,
        (true, false) => more.to_string(),
        (false, false) => format!("{text}{separator}{more}"),
    }
}

/// A value as clap shows it in brackets and lists: quoted when empty or
/// holding a space.
fn quoted(value: &str) -> Cow<'_, str> {
    if value.is_empty() || value.contains(char::is_whitespace) {
        Cow::Owned(format!("{value:?}"))
    } else {
        Cow::Borrowed(value)
    }
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

/// clap's error for a command line the Korean tree could not parse, to be
/// printed in Korean: clap prints it where it would (stderr, coloured as it
/// colours its own) and exits with its exit code; `--help` and `--version`,
/// which clap reports as errors, print what they always print.
pub fn error_in_korean(mut error: clap::Error) -> ClapError<KoreanErrors> {
    // The English, for what the Korean cannot word, and the help flag clap
    // names there (the error keeps it to itself).
    let english = error.render();
    error.insert(ContextKind::Custom, ContextValue::StyledStr(english));
    error.apply()
}

/// clap's parse errors in Korean, laid out as clap's `RichFormatter` lays
/// them out: the error's sentence under `오류:`, the suggestions under `팁:`,
/// the usage under the Korean usage heading, and where to read more.
pub struct KoreanErrors;

impl ErrorFormatter for KoreanErrors {
    fn format_error(error: &ClapError<Self>) -> StyledStr {
        let english = match error.get(ContextKind::Custom) {
            Some(ContextValue::StyledStr(english)) => Some(english),
            _ => None,
        };
        let help_flag = english.and_then(help_flag);
        let cli = Cli::command();
        match korean_error(error, cli.get_styles(), help_flag) {
            Some(korean) => StyledStr::from(korean),
            None => english
                .cloned()
                .unwrap_or_else(|| StyledStr::from(format!("error: {}\n", error.kind()))),
        }
    }
}

/// The flag clap's English error sends to for more (`--help`).
fn help_flag(english: &StyledStr) -> Option<String> {
    let english = english.to_string();
    let last = english.trim_end().lines().last()?;
    let flag = last
        .strip_prefix("For more information, try '")?
        .strip_suffix("'.")?;
    Some(flag.to_string())
}

/// `error` worded in Korean, styled as clap styles it: `None` when a part of
/// it has no Korean.
fn korean_error(
    error: &ClapError<KoreanErrors>,
    styles: &Styles,
    help_flag: Option<String>,
) -> Option<String> {
    let (error_style, valid) = (styles.get_error(), styles.get_valid());
    let mut korean = format!(
        "{error_style}{}{error_style:#} {}",
        ko::ERROR_HEADING,
        korean_sentence(error, styles)?
    );
    let tip = |text: &str| format!("  {valid}{}{valid:#} {text}", ko::TIP_HEADING);
    let mut suggested = false;
    let similar = [
        (ContextKind::SuggestedSubcommand, ko::SIMILAR_COMMAND),
        (ContextKind::SuggestedArg, ko::SIMILAR_ARGUMENT),
        (ContextKind::SuggestedValue, ko::SIMILAR_VALUE),
    ];
    for (kind, template) in similar {
        let similar: Vec<&str> = match error.get(kind) {
            None => continue,
            Some(ContextValue::String(one)) => vec![one],
            Some(ContextValue::Strings(some)) => some.iter().map(String::as_str).collect(),
            Some(_) => return None,
        };
        korean.push('\n');
        if !suggested {
            korean.push('\n');
            suggested = true;
        }
        let similar: Vec<_> = similar
            .iter()
            .map(|name| format!("'{valid}{name}{valid:#}'"))
            .collect();
        korean.push_str(&tip(&fill(template, &[("value", &similar.join(", "))])));
    }
    if let Some(ContextValue::StyledStrs(suggestions)) = error.get(ContextKind::Suggested) {
        if !suggested {
            korean.push('\n');
        }
        for suggestion in suggestions {
            korean.push('\n');
            korean.push_str(&tip(&korean_suggestion(suggestion, styles)?));
        }
    }
    if let Some(ContextValue::StyledStr(usage)) = error.get(ContextKind::Usage) {
        let usage = usage.ansi().to_string();
        korean.push_str("\n\n");
        korean.push_str(&usage.replacen("Usage:", ko::USAGE_HEADING, 1));
    }
    match help_flag {
        Some(flag) => {
            let literal = styles.get_literal();
            let flag = format!("{literal}{flag}{literal:#}");
            korean.push_str(&format!("\n\n{}\n", fill(ko::TRY_HELP, &[("flag", &flag)])));
        }
        None => korean.push('\n'),
    }
    Some(korean)
}

/// The sentence after `오류:`, with what clap lists under it.
fn korean_sentence(error: &ClapError<KoreanErrors>, styles: &Styles) -> Option<String> {
    let (valid, invalid, literal) = (
        styles.get_valid(),
        styles.get_invalid(),
        styles.get_literal(),
    );
    let text = |kind| match error.get(kind) {
        Some(ContextValue::String(text)) => Some(text.as_str()),
        _ => None,
    };
    let number = |kind| match error.get(kind) {
        Some(ContextValue::Number(number)) => Some(*number),
        _ => None,
    };
    let styled = |style: &Style, text: &str| format!("{style}{text}{style:#}");
    let listed = |style: &Style, items: &[String]| {
        items
            .iter()
            .map(|item| format!("\n  {}", styled(style, item)))
            .collect::<String>()
    };
    let sentence = match error.kind() {
        ErrorKind::UnknownArgument => fill(
            ko::UNKNOWN_ARGUMENT,
            &[("value", &styled(invalid, text(ContextKind::InvalidArg)?))],
        ),
        ErrorKind::InvalidSubcommand => fill(
            ko::UNKNOWN_COMMAND,
            &[(
                "value",
                &styled(invalid, text(ContextKind::InvalidSubcommand)?),
            )],
        ),
        ErrorKind::InvalidValue => {
            let arg = text(ContextKind::InvalidArg)?;
            let value = text(ContextKind::InvalidValue)?;
            let sentence = if value.is_empty() {
                fill(ko::MISSING_VALUE, &[("arg", &styled(invalid, arg))])
            } else {
                fill(
                    ko::INVALID_VALUE,
                    &[
                        ("arg", &styled(literal, arg)),
                        ("value", &styled(invalid, value)),
                    ],
                )
            };
            let values = error.get(ContextKind::ValidValue);
            sentence + &values_list(ko::POSSIBLE_VALUES, values, valid)
        }
        ErrorKind::ValueValidation => {
            let arg = styled(literal, text(ContextKind::InvalidArg)?);
            let value = styled(invalid, text(ContextKind::InvalidValue)?);
            match std::error::Error::source(error) {
                None => fill(ko::INVALID_VALUE, &[("arg", &arg), ("value", &value)]),
                Some(source) => {
                    let typed = text(ContextKind::InvalidValue)?;
                    let reason = refused_because(source, typed)?;
                    fill(
                        ko::INVALID_VALUE_BECAUSE,
                        &[("arg", &arg), ("value", &value), ("reason", &reason)],
                    )
                }
            }
        }
        ErrorKind::MissingRequiredArgument => match error.get(ContextKind::InvalidArg)? {
            ContextValue::Strings(missing) => {
                ko::MISSING_REQUIRED.to_string() + &listed(valid, missing)
            }
            _ => return None,
        },
        ErrorKind::MissingSubcommand => {
            let command = styled(invalid, text(ContextKind::InvalidSubcommand)?);
            let commands = error.get(ContextKind::ValidSubcommand);
            fill(ko::MISSING_COMMAND, &[("command", &command)])
                + &values_list(ko::SUBCOMMANDS, commands, valid)
        }
        ErrorKind::TooManyValues => fill(
            ko::UNEXPECTED_VALUE,
            &[
                ("arg", &styled(literal, text(ContextKind::InvalidArg)?)),
                ("value", &styled(invalid, text(ContextKind::InvalidValue)?)),
            ],
        ),
        kind @ (ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues) => {
            let (template, expected) = if kind == ErrorKind::TooFewValues {
                (ko::TOO_FEW_VALUES, ContextKind::MinValues)
            } else {
                (ko::WRONG_NUMBER_OF_VALUES, ContextKind::ExpectedNumValues)
            };
            fill(
                template,
                &[
                    ("arg", &styled(literal, text(ContextKind::InvalidArg)?)),
                    ("expected", &styled(valid, &number(expected)?.to_string())),
                    (
                        "actual",
                        &styled(invalid, &number(ContextKind::ActualNumValues)?.to_string()),
                    ),
                ],
            )
        }
        ErrorKind::ArgumentConflict => {
            // clap names the argument, or a command (never ours: no
            // command conflicts with an argument), with what it conflicts
            // with: itself when it was given twice.
            let arg = text(ContextKind::InvalidArg)?;
            let styled_arg = styled(invalid, arg);
            match error.get(ContextKind::PriorArg) {
                Some(ContextValue::String(prior)) if prior == arg => {
                    fill(ko::ARGUMENT_REPEATED, &[("arg", &styled_arg)])
                }
                Some(ContextValue::String(prior)) => fill(
                    ko::ARGUMENT_CONFLICT,
                    &[("arg", &styled_arg), ("value", &styled(invalid, prior))],
                ),
                Some(ContextValue::Strings(priors)) => {
                    fill(ko::ARGUMENT_CONFLICTS, &[("arg", &styled_arg)]) + &listed(invalid, priors)
                }
                _ => fill(ko::ARGUMENT_CONFLICTS_OTHERS, &[("arg", &styled_arg)]),
            }
        }
        ErrorKind::NoEquals => fill(
            ko::NO_EQUALS,
            &[("arg", &styled(invalid, text(ContextKind::InvalidArg)?))],
        ),
        ErrorKind::InvalidUtf8 => ko::INVALID_UTF8.to_string(),
        _ => return None,
    };
    Some(sentence)
}

/// clap's list of the values an argument or a command takes, under its
/// sentence: `[가능한 값: a, b]`.
fn values_list(name: &str, values: Option<&ContextValue>, valid: &Style) -> String {
    match values {
        Some(ContextValue::Strings(values)) if !values.is_empty() => {
            let values: Vec<_> = values
                .iter()
                .map(|value| format!("{valid}{}{valid:#}", quoted(value)))
                .collect();
            format!("\n  [{name}: {}]", values.join(", "))
        }
        _ => String::new(),
    }
}

/// Why a number argument (`--seed`, `--jobs`, `--runs`...) refused the
/// value `typed`: the number does not parse, or clap's ranged parser (of a
/// `u32`) found it out of range, which it says only in English (`X is not in
/// 0..=N`). Another reason is its parser's own words, which stay English.
fn refused_because(source: &(dyn std::error::Error + 'static), typed: &str) -> Option<String> {
    if let Some(error) = source.downcast_ref::<ParseIntError>() {
        let reason = match error.kind() {
            IntErrorKind::Empty => ko::NUMBER_EMPTY,
            IntErrorKind::InvalidDigit => ko::NOT_A_NUMBER,
            IntErrorKind::PosOverflow => ko::NUMBER_TOO_LARGE,
            IntErrorKind::NegOverflow => ko::NUMBER_TOO_SMALL,
            IntErrorKind::Zero => ko::NUMBER_ZERO,
            _ => return None,
        };
        return Some(reason.to_string());
    }
    let english = source.to_string();
    let range = english.strip_prefix(&format!("{typed} is not in "))?;
    Some(fill(ko::NUMBER_OUT_OF_RANGE, &[("value", range)]))
}

/// One of clap's free-form suggestions in Korean. clap gives them written
/// (English) only, so the three it makes are read back: passing a value that
/// looks like an argument after `--`, an argument of another command, a
/// command typed after `--`.
fn korean_suggestion(suggestion: &StyledStr, styles: &Styles) -> Option<String> {
    let (valid, invalid) = (styles.get_valid(), styles.get_invalid());
    let english = suggestion.to_string();
    if let Some(rest) = english.strip_prefix("to pass '") {
        let (value, line) = rest.split_once("' as a value, use '")?;
        let line = line.strip_suffix('\'')?;
        return Some(fill(
            ko::PASS_AS_VALUE,
            &[
                ("value", &format!("{invalid}{value}{invalid:#}")),
                ("arg", &format!("{valid}{line}{valid:#}")),
            ],
        ));
    }
    if let Some(rest) = english.strip_prefix("subcommand '") {
        let command = rest.strip_suffix("' exists; to use it, remove the '--' before it")?;
        return Some(fill(
            ko::COMMAND_AFTER_DOUBLE_DASH,
            &[
                ("value", &format!("{valid}{command}{valid:#}")),
                ("arg", &format!("{invalid}--{invalid:#}")),
            ],
        ));
    }
    let argument = english.strip_prefix('\'')?.strip_suffix("' exists")?;
    Some(fill(
        ko::ARGUMENT_OF_COMMAND,
        &[("value", &format!("{valid}{argument}{valid:#}"))],
    ))
}

/// `template` with each `{name}` replaced by its value, in one pass (a value
/// holding `{arg}` stays as typed).
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut filled = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        filled.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let named = after.split_once('}').and_then(|(name, tail)| {
            let (_, value) = values.iter().find(|(key, _)| *key == name)?;
            Some((value, tail))
        });
        match named {
            Some((value, tail)) => {
                filled.push_str(value);
                rest = tail;
            }
            None => {
                filled.push('{');
                rest = after;
            }
        }
    }
    filled.push_str(rest);
    filled
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

    /// What clap writes after a description, in English, and its Korean.
    const VALUE_WORDS: [(&str, &str); 3] = [
        ("[default: ", "[기본값: "),
        ("[possible values: ", "[가능한 값: "),
        ("Possible values:", "가능한 값:"),
    ];

    #[test]
    fn the_korean_help_writes_default_and_possible_values_in_korean_where_clap_writes_them() {
        let english = every_help(Lang::En);
        let korean = every_help(Lang::Ko);
        let pairs = english.iter().zip(&korean).flat_map(|(en, ko)| {
            [
                (format!("{} -h", en.0), &en.1, &ko.1),
                (format!("{} --help", en.0), &en.2, &ko.2),
            ]
        });
        let mut written = 0;
        for (name, en, ko) in pairs {
            for (english_words, _) in VALUE_WORDS {
                assert!(!ko.contains(english_words), "{name}:\n{ko}");
            }
            assert_eq!(en.lines().count(), ko.lines().count(), "{name}:\n{ko}");
            for (en_line, ko_line) in en.lines().zip(ko.lines()) {
                // From the first of clap's words to the end of the line:
                // the same in Korean, the values as they are.
                let first = VALUE_WORDS
                    .iter()
                    .filter_map(|(english_words, _)| en_line.find(english_words))
                    .min();
                if let Some(first) = first {
                    let tail = VALUE_WORDS
                        .iter()
                        .fold(en_line[first..].to_string(), |tail, (en, ko)| {
                            tail.replace(en, ko)
                        });
                    assert!(
                        ko_line.ends_with(&tail),
                        "{name}: `{ko_line}` for `{en_line}`"
                    );
                    // After the description's space, or first on the line.
                    let ko_before = &ko_line[..ko_line.len() - tail.len()];
                    assert_eq!(
                        en_line[..first].chars().last(),
                        ko_before.chars().last(),
                        "{name}: `{ko_line}` for `{en_line}`"
                    );
                    written += 1;
                }
                // The listed values: `- name:` at the same place.
                if en_line.trim_start().starts_with("- ") {
                    let (value, _) = en_line.split_once(':').unwrap_or((en_line, ""));
                    assert!(
                        ko_line.starts_with(value),
                        "{name}: `{ko_line}` for `{en_line}`"
                    );
                }
            }
        }
        assert!(written > 0, "no help has a default or possible values");
    }

    /// The command lines clap refuses, one for each error the Korean words.
    const REFUSED: [&[&str]; 15] = [
        &["grader", "--fromat", "json"],
        &["grader", "--format", "yml"],
        &["grader", "--format"],
        &["grader", "--seed", "x"],
        &["grader", "--seed", "99999999999999999999999"],
        &["grader", "verify", "--runs", "99999999999"],
        &["grader", "replay"],
        &["grader", "veryfy"],
        &["grader", "--solutions", "--wrong", "01-threads/a"],
        &["grader", "--jobs", "1", "--jobs", "2"],
        &["grader", "--quiet=yes"],
        &["grader", "--runs", "3", "verify"],
        &["grader", "--", "list"],
        &["grader", "hint", "--zzz"],
        &["grader", "list", "extra"],
    ];

    fn refused(lang: Lang, line: &[&str]) -> clap::Error {
        command(lang)
            .try_get_matches_from(line)
            .expect_err(&format!("{line:?} parses"))
    }

    #[test]
    fn every_parse_error_reads_korean_and_exits_as_claps() {
        let english_words = [
            "error:",
            "tip:",
            "Usage:",
            "For more information",
            "possible values",
            "unexpected",
            "invalid",
            "required",
            "exists",
            "cannot",
            "is not in",
        ];
        for line in REFUSED {
            let english = refused(Lang::En, line);
            let (kind, code) = (english.kind(), english.exit_code());
            let korean = error_in_korean(refused(Lang::Ko, line));
            assert_eq!(
                (korean.kind(), korean.exit_code()),
                (kind, code),
                "{line:?}"
            );
            let text = korean.render().to_string();
            assert!(text.starts_with("오류: "), "{line:?}:\n{text}");
            assert!(
                text.ends_with("\n\n자세한 내용은 '--help'로 볼 수 있습니다.\n"),
                "{line:?}:\n{text}"
            );
            for word in english_words {
                assert!(!text.contains(word), "{line:?}: `{word}` in\n{text}");
            }
            // Laid out as clap lays out the English: the same lines.
            let english = english.render().to_string();
            assert_eq!(
                english.lines().count(),
                text.lines().count(),
                "{line:?}:\n{text}\n{english}"
            );
        }
    }

    #[test]
    fn a_parse_error_keeps_the_values_and_the_suggestions_as_typed() {
        let text = |line: &[&str]| {
            error_in_korean(refused(Lang::Ko, line))
                .render()
                .to_string()
        };
        assert_eq!(
            text(&["grader", "--fromat", "json"]),
            "오류: 예상하지 못한 인자입니다: '--fromat'\n\
             \n  팁: 비슷한 인자가 있습니다: '--format'\n\
             \n사용법: grader --format <FORMAT>\n\
             \n자세한 내용은 '--help'로 볼 수 있습니다.\n"
        );
        let values: Vec<_> = Format::value_variants()
            .iter()
            .filter_map(ValueEnum::to_possible_value)
            .map(|value| value.get_name().to_string())
            .collect();
        assert_eq!(
            text(&["grader", "verify", "--format", "yml"]),
            format!(
                "오류: '--format <FORMAT>'에 쓸 수 없는 값입니다: 'yml'\n  [가능한 값: {}]\n\
                 \n  팁: 비슷한 값이 있습니다: 'html'\n\
                 \n자세한 내용은 '--help'로 볼 수 있습니다.\n",
                values.join(", ")
            )
        );
        assert!(text(&["grader", "replay", "04"]).starts_with(
            "오류: 다음 필수 인자가 주어지지 않았습니다:\n  <CHECK>\n\
                 \n사용법: grader replay <EXERCISE> <CHECK>\n"
        ));
    }

    #[test]
    fn help_and_version_print_as_they_always_do() {
        for line in [
            &["grader", "--help"][..],
            &["grader", "verify", "-h"],
            &["grader", "-V"],
        ] {
            let error = refused(Lang::Ko, line);
            let (kind, code, text) = (error.kind(), error.exit_code(), error.render().to_string());
            let korean = error_in_korean(refused(Lang::Ko, line));
            assert_eq!(
                (
                    korean.kind(),
                    korean.exit_code(),
                    korean.render().to_string()
                ),
                (kind, code, text),
                "{line:?}"
            );
        }
    }

    #[test]
    fn an_error_without_korean_stays_claps_english() {
        // The shard's own parser says why in English only.
        let line = ["grader", "batch", "subs", "--csv", "a.csv", "--shard", "x"];
        let english = refused(Lang::En, &line).render().to_string();
        let korean = error_in_korean(refused(Lang::Ko, &line));
        assert_eq!(korean.exit_code(), 2);
        assert_eq!(korean.render().to_string(), english);
        assert!(english.starts_with("error: invalid value 'x' for '--shard <I/N>'"));
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
    /// named in Korean), its blank lines (clap leaves the indentation of a
    /// description on some, as the Korean does on the one above its list of
    /// possible values), and the first word of each line that names an
    /// argument or a command (indented less than a description), with how
    /// many lines it has.
    fn layout(help: &str) -> (Vec<&str>, usize) {
        let listed = help
            .lines()
            .skip(1) // the command's description
            .filter_map(|line| {
                let indent = line.len() - line.trim_start().len();
                match indent {
                    _ if line.trim().is_empty() => Some(""),
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
