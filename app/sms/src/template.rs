//! A logic-less template renderer for SMS messages: literal text and `{{name}}` variables.
//!
//! Syntax:
//! - `{{name}}`, or `{{ name }}` with whitespace inside the braces, inserts one of [`VARIABLES`] (case-sensitive).
//! - A single `{` or `}` is literal text, and so is a `}}` outside a variable.
//! - In a run of three or more `{`, only the last two open a variable: `{{{total}}}` renders as `{12.50}`.
//! - A `{{` followed by another `{{` before any `}}` is [`TemplateErrorKind::Unclosed`]; scanning resumes at the
//!   inner `{{`, so `{{a {{total}}` reports `Unclosed` at 0 and accepts `{{total}}`, and `{{a {{b}}` also reports
//!   `UnknownVariable("b")` at 4.
//!
//! Error positions are char (Unicode scalar value) indices of the offending `{{`, not byte offsets.

use std::fmt;

/// The variables a template may use.
pub const VARIABLES: [&str; 6] = ["customerName", "orderNumber", "total", "deliveryDate", "rescheduleTime", "shopName"];

/// What is wrong with a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateErrorKind {
    /// A variable whose name (trimmed of whitespace) is not in [`VARIABLES`].
    UnknownVariable(String),
    /// A `{{` with no `}}` before the end of the template or before the next `{{`.
    Unclosed,
    /// A `{{}}` with nothing but whitespace inside.
    EmptyVariable,
    /// A template, or a rendered message, that is empty or only whitespace.
    Empty,
}

/// A template error and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// What is wrong.
    pub kind: TemplateErrorKind,
    /// The char index (0-based) of the offending `{{`; 0 for [`TemplateErrorKind::Empty`].
    pub position: usize,
}

impl TemplateError {
    /// The error for an empty or whitespace-only template or message.
    const fn empty() -> Self {
        Self { kind: TemplateErrorKind::Empty, position: 0 }
    }
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let position = self.position;
        match &self.kind {
            TemplateErrorKind::UnknownVariable(name) => {
                write!(f, "unknown variable `{name}` at character {position}")
            }
            TemplateErrorKind::Unclosed => write!(f, "`{{{{` without `}}}}` at character {position}"),
            TemplateErrorKind::EmptyVariable => write!(f, "empty variable at character {position}"),
            TemplateErrorKind::Empty => f.write_str("the message is empty"),
        }
    }
}

impl std::error::Error for TemplateError {}

/// A piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Literal text.
    Text(String),
    /// A variable, as the matching entry of [`VARIABLES`].
    Var(&'static str),
}

/// A parsed, valid template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

impl Template {
    /// Parses `source`.
    ///
    /// # Errors
    ///
    /// The first error in `source`; [`Template::check`] lists them all.
    pub fn parse(source: &str) -> Result<Self, TemplateError> {
        if source.trim().is_empty() {
            return Err(TemplateError::empty());
        }
        let parts = Scanner::new(source)
            .map(|token| {
                token.map(|token| match token {
                    Token::Text(text) => Part::Text(text.to_owned()),
                    Token::Var(name) => Part::Var(name),
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { parts })
    }

    /// All the errors in `source`, in order, for the editor; empty when the template is valid.
    #[must_use]
    pub fn check(source: &str) -> Vec<TemplateError> {
        if source.trim().is_empty() {
            return vec![TemplateError::empty()];
        }
        Scanner::new(source).filter_map(Result::err).collect()
    }

    /// The parts of the template, in order.
    #[must_use]
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// The distinct variables the template uses, in order of first use.
    pub fn variables(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.parts.iter().enumerate().filter_map(|(i, part)| match part {
            Part::Var(name) if !self.parts[..i].contains(part) => Some(*name),
            _ => None,
        })
    }

    /// Renders with `value(name)` giving each variable's text.
    ///
    /// # Errors
    ///
    /// [`TemplateErrorKind::Empty`] (position 0) when the result is empty or only whitespace.
    pub fn render(&self, value: impl Fn(&str) -> String) -> Result<String, TemplateError> {
        let text_len = self.parts.iter().map(|part| if let Part::Text(text) = part { text.len() } else { 0 }).sum();
        let mut out = String::with_capacity(text_len);
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Var(name) => out.push_str(&value(name)),
            }
        }
        non_empty(out)
    }
}

/// Parses and renders in one step.
///
/// Renders straight from `source` without building a [`Template`]; `value` may be called for the variables before
/// the first error.
///
/// # Errors
///
/// The first error in `source`, or [`TemplateErrorKind::Empty`] when the result is empty or only whitespace.
pub fn render(source: &str, value: impl Fn(&str) -> String) -> Result<String, TemplateError> {
    if source.trim().is_empty() {
        return Err(TemplateError::empty());
    }
    let mut out = String::with_capacity(source.len());
    for token in Scanner::new(source) {
        match token? {
            Token::Text(text) => out.push_str(text),
            Token::Var(name) => out.push_str(&value(name)),
        }
    }
    non_empty(out)
}

/// `Ok(message)`, or the [`TemplateErrorKind::Empty`] error when it is empty or only whitespace.
fn non_empty(message: String) -> Result<String, TemplateError> {
    if message.trim().is_empty() {
        Err(TemplateError::empty())
    } else {
        Ok(message)
    }
}

/// A piece of a template as the scanner sees it, borrowing the source.
enum Token<'a> {
    /// Literal text.
    Text(&'a str),
    /// A known variable.
    Var(&'static str),
}

/// Splits a template into tokens and errors, resuming after each error so that all of them can be reported.
struct Scanner<'a> {
    /// The template.
    source: &'a str,
    /// Byte offset of the next token; always a char boundary.
    byte: usize,
    /// Char index of `byte`.
    chars: usize,
}

impl<'a> Scanner<'a> {
    /// A scanner at the start of `source`.
    const fn new(source: &'a str) -> Self {
        Self { source, byte: 0, chars: 0 }
    }

    /// Moves to byte offset `to` (a char boundary), keeping the char index in step.
    fn advance(&mut self, to: usize) {
        self.chars += self.source[self.byte..to].chars().count();
        self.byte = to;
    }
}

impl<'a> Iterator for Scanner<'a> {
    type Item = Result<Token<'a>, TemplateError>;

    fn next(&mut self) -> Option<Self::Item> {
        let source = self.source;
        let rest = &source[self.byte..];
        if rest.is_empty() {
            return None;
        }
        let Some(found) = rest.find("{{") else {
            self.advance(source.len());
            return Some(Ok(Token::Text(rest)));
        };
        // In a run of braces the last two open the variable; `found` starts a run of at least two.
        let open = found + rest[found..].bytes().take_while(|&b| b == b'{').count() - 2;
        if open > 0 {
            self.advance(self.byte + open);
            return Some(Ok(Token::Text(&rest[..open])));
        }
        let position = self.chars;
        let body = &rest[2..];
        let Some(close) = body.find("}}").filter(|&close| !body[..close].contains("{{")) else {
            let resume = body.find("{{").map_or(source.len(), |reopen| self.byte + 2 + reopen);
            self.advance(resume);
            return Some(Err(TemplateError { kind: TemplateErrorKind::Unclosed, position }));
        };
        let name = body[..close].trim();
        self.advance(self.byte + 2 + close + 2);
        let kind = if name.is_empty() {
            TemplateErrorKind::EmptyVariable
        } else if let Some(var) = VARIABLES.iter().copied().find(|&var| var == name) {
            return Some(Ok(Token::Var(var)));
        } else {
            TemplateErrorKind::UnknownVariable(name.to_owned())
        };
        Some(Err(TemplateError { kind, position }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(name: &str) -> String {
        match name {
            "customerName" => "Amina",
            "orderNumber" => "A-1042",
            "total" => "12.50",
            "deliveryDate" => "12/05",
            "rescheduleTime" => "14:30",
            "shopName" => "Boutique",
            _ => unreachable!("unknown variable {name}"),
        }
        .to_owned()
    }

    fn error(kind: TemplateErrorKind, position: usize) -> TemplateError {
        TemplateError { kind, position }
    }

    fn unknown(name: &str, position: usize) -> TemplateError {
        error(TemplateErrorKind::UnknownVariable(name.to_owned()), position)
    }

    /// Asserts that `source` fails with exactly `expected`, through every entry point.
    fn assert_error(source: &str, expected: TemplateError) {
        assert_eq!(Template::parse(source), Err(expected.clone()), "{source:?}");
        assert_eq!(render(source, value), Err(expected.clone()), "{source:?}");
        assert_eq!(Template::check(source), [expected], "{source:?}");
    }

    /// Renders `source` through both entry points, checking they agree.
    fn rendered(source: &str) -> String {
        let template = Template::parse(source).unwrap_or_else(|e| panic!("{source:?}: {e}"));
        assert!(Template::check(source).is_empty(), "{source:?}");
        let out = template.render(value).unwrap_or_else(|e| panic!("{source:?}: {e}"));
        assert_eq!(render(source, value).as_ref(), Ok(&out), "{source:?}");
        out
    }

    #[test]
    fn parses_parts() {
        let template = Template::parse("Hi {{customerName}}, order {{orderNumber}}.").unwrap();
        assert_eq!(
            template.parts(),
            [
                Part::Text("Hi ".to_owned()),
                Part::Var("customerName"),
                Part::Text(", order ".to_owned()),
                Part::Var("orderNumber"),
                Part::Text(".".to_owned()),
            ]
        );
    }

    #[test]
    fn variables_are_distinct_in_first_use_order() {
        let template = Template::parse("{{total}} {{customerName}} {{total}}{{shopName}} {{customerName}}").unwrap();
        assert_eq!(template.variables().collect::<Vec<_>>(), ["total", "customerName", "shopName"]);
        assert_eq!(Template::parse("no variables").unwrap().variables().count(), 0);
    }

    #[test]
    fn every_variable_is_accepted() {
        for name in VARIABLES {
            assert_eq!(rendered(&format!("{{{{{name}}}}}")), value(name));
        }
    }

    #[test]
    fn renders_plain_text() {
        assert_eq!(rendered("Merci !"), "Merci !");
    }

    #[test]
    fn renders_french() {
        assert_eq!(
            rendered(concat!(
                "Bonjour {{customerName}}, votre commande n°{{orderNumber}} ({{total}} €) ",
                "sera livrée le {{deliveryDate}}. — {{shopName}}"
            )),
            "Bonjour Amina, votre commande n°A-1042 (12.50 €) sera livrée le 12/05. — Boutique"
        );
    }

    #[test]
    fn renders_arabic() {
        assert_eq!(
            rendered(concat!(
                "مرحبا {{customerName}}، تم تأكيد طلبك رقم {{orderNumber}} ",
                "بقيمة {{total}} د.ج. التوصيل يوم {{deliveryDate}}."
            )),
            "مرحبا Amina، تم تأكيد طلبك رقم A-1042 بقيمة 12.50 د.ج. التوصيل يوم 12/05."
        );
    }

    #[test]
    fn renders_algerian_arabic() {
        assert_eq!(
            rendered("Salam {{customerName}}, la commande dyalek {{orderNumber}} rahi f triq, twsal {{deliveryDate}}."),
            "Salam Amina, la commande dyalek A-1042 rahi f triq, twsal 12/05."
        );
        assert_eq!(
            rendered(concat!(
                "السلام {{customerName}}، الكوموند تاعك {{orderNumber}} ",
                "تبدلت لـ {{rescheduleTime}}. {{shopName}}"
            )),
            "السلام Amina، الكوموند تاعك A-1042 تبدلت لـ 14:30. Boutique"
        );
    }

    #[test]
    fn spaces_inside_braces() {
        assert_eq!(
            rendered("{{ customerName }}|{{customerName  }}|{{\tcustomerName}}|{{ total}}"),
            "Amina|Amina|Amina|12.50"
        );
    }

    #[test]
    fn adjacent_variables() {
        assert_eq!(rendered("{{customerName}}{{orderNumber}}{{ total }}"), "AminaA-104212.50");
    }

    #[test]
    fn single_braces_are_literal() {
        assert_eq!(rendered("{ } {total} a{b}c } {"), "{ } {total} a{b}c } {");
        assert_eq!(rendered("{ {{total}} }"), "{ 12.50 }");
        assert_eq!(rendered("}}{{total}}}}"), "}}12.50}}");
        assert_eq!(rendered("{"), "{");
    }

    #[test]
    fn extra_opening_braces_are_literal() {
        assert_eq!(rendered("{{{total}}}"), "{12.50}");
        assert_eq!(rendered("{{{{total}}}}"), "{{12.50}}");
        assert_error("{{{foo}}", unknown("foo", 1));
        assert_error("{{{}}", error(TemplateErrorKind::EmptyVariable, 1));
    }

    #[test]
    fn unknown_variable() {
        assert_error("Hi {{customername}}", unknown("customername", 3));
        assert_error("Hi {{ foo }}!", unknown("foo", 3));
        assert_error("{{customer Name}}", unknown("customer Name", 0));
        assert_error("{{a}b}}", unknown("a}b", 0));
    }

    #[test]
    fn unclosed() {
        assert_error("Bonjour {{customerName", error(TemplateErrorKind::Unclosed, 8));
        assert_error("Bonjour {{customerName}", error(TemplateErrorKind::Unclosed, 8));
        assert_error("{{", error(TemplateErrorKind::Unclosed, 0));
        assert_error("{{total}} {{", error(TemplateErrorKind::Unclosed, 10));
    }

    #[test]
    fn empty_variable() {
        assert_error("Bonjour {{}}", error(TemplateErrorKind::EmptyVariable, 8));
        assert_error("Bonjour {{  }}!", error(TemplateErrorKind::EmptyVariable, 8));
    }

    #[test]
    fn empty_template() {
        for source in ["", " ", "\n\t  \r\n"] {
            assert_error(source, error(TemplateErrorKind::Empty, 0));
        }
    }

    #[test]
    fn positions_are_char_indices() {
        // "مرحبا " is 6 chars but 11 bytes.
        assert_error("مرحبا {{foo}}", unknown("foo", 6));
        assert_error("مرحبا {{customerName}}، طلبك {{}}", error(TemplateErrorKind::EmptyVariable, 29));
        assert_error("مرحبا {{customerName}}، طلبك {{orderNumber", error(TemplateErrorKind::Unclosed, 29));
        assert_error("Votre fenêtre 👍 {{x}}", unknown("x", 16));
    }

    #[test]
    fn nested_opening_is_unclosed() {
        assert_error("{{a {{customerName}}", error(TemplateErrorKind::Unclosed, 0));
        assert_eq!(Template::check("{{a {{b}}"), [error(TemplateErrorKind::Unclosed, 0), unknown("b", 4)]);
        assert_eq!(
            Template::check("Hi {{customerName, order {{orderNumber"),
            [error(TemplateErrorKind::Unclosed, 3), error(TemplateErrorKind::Unclosed, 25)]
        );
        assert_eq!(Template::parse("{{a {{b}}"), Err(error(TemplateErrorKind::Unclosed, 0)));
    }

    #[test]
    fn check_returns_all_errors() {
        assert_eq!(
            Template::check("{{foo}} hi {{}} and {{customerName}} {{ Total }} {{bar"),
            [
                unknown("foo", 0),
                error(TemplateErrorKind::EmptyVariable, 11),
                unknown("Total", 37),
                error(TemplateErrorKind::Unclosed, 49),
            ]
        );
        assert_eq!(Template::parse("{{foo}} hi {{}}"), Err(unknown("foo", 0)));
    }

    #[test]
    fn check_valid_template_is_empty() {
        assert!(Template::check("Bonjour {{ customerName }} {").is_empty());
    }

    #[test]
    fn render_to_empty_message() {
        let template = Template::parse("{{customerName}}").unwrap();
        assert_eq!(template.render(|_| String::new()), Err(error(TemplateErrorKind::Empty, 0)));
        assert_eq!(template.render(|_| " \n ".to_owned()), Err(error(TemplateErrorKind::Empty, 0)));
        assert_eq!(render("  {{customerName}} ", |_| String::new()), Err(error(TemplateErrorKind::Empty, 0)));
        assert_eq!(render("{{customerName}}{{total}}", |_| String::new()), Err(error(TemplateErrorKind::Empty, 0)));
        assert_eq!(template.render(|_| "x".to_owned()).as_deref(), Ok("x"));
    }

    #[test]
    fn render_passes_variable_names() {
        let out = render("{{shopName}}:{{ rescheduleTime }}", |name| format!("<{name}>"));
        assert_eq!(out.as_deref(), Ok("<shopName>:<rescheduleTime>"));
    }

    #[test]
    fn error_display() {
        assert_eq!(unknown("foo", 3).to_string(), "unknown variable `foo` at character 3");
        assert_eq!(error(TemplateErrorKind::Unclosed, 8).to_string(), "`{{` without `}}` at character 8");
        assert_eq!(error(TemplateErrorKind::EmptyVariable, 1).to_string(), "empty variable at character 1");
        assert_eq!(error(TemplateErrorKind::Empty, 0).to_string(), "the message is empty");
    }
}
