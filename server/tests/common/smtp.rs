//! A local SMTP server for the e-mail tests: it speaks enough of RFC 5321 for a real client
//! (EHLO, AUTH PLAIN, MAIL, RCPT, DATA with dot-stuffing, RSET, NOOP, QUIT), checks the login,
//! keeps every message it took, and refuses the recipients a test names, with the code given
//! (a 4xx a given number of times, then takes them; a 5xx always). Nothing leaves the machine.
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use base64::Engine;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

pub const USER: &str = "orders@vitrine.dz";
pub const PASSWORD: &str = "smtp-password";

/// A message the server took.
#[derive(Clone, Debug)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent: headers, a blank line, the body (dots unstuffed).
    pub data: String,
}

impl Mail {
    /// A header's value, unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next()?;
        let mut value: Option<String> = None;
        for line in head.split("\r\n") {
            if let Some(current) = value.as_mut() {
                if line.starts_with([' ', '\t']) {
                    current.push_str(line);
                    continue;
                }
                break;
            }
            if let Some((key, rest)) = line.split_once(':') {
                if key.eq_ignore_ascii_case(name) {
                    value = Some(rest.trim_start().to_string());
                }
            }
        }
        value
    }

    /// The subject, decoded from its RFC 2047 words (the space between two encoded words is
    /// not part of the text; any other is).
    pub fn subject(&self) -> String {
        let raw = self.header("Subject").unwrap_or_default();
        let mut out = String::new();
        let mut previous_encoded = None;
        for token in raw.split_whitespace() {
            let (text, encoded) = decode_word(token);
            if previous_encoded.is_some() && !(encoded && previous_encoded == Some(true)) {
                out.push(' ');
            }
            out.push_str(&text);
            previous_encoded = Some(encoded);
        }
        out
    }

    /// The plain-text body, decoded from its transfer encoding.
    pub fn text(&self) -> String {
        let body = self.data.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or_default();
        match self.header("Content-Transfer-Encoding").unwrap_or_default().to_ascii_lowercase().as_str() {
            "base64" => {
                let joined: String = body.split_whitespace().collect();
                String::from_utf8(base64::engine::general_purpose::STANDARD.decode(joined).expect("base64 body"))
                    .expect("utf-8 body")
            }
            "quoted-printable" => quoted_printable(body),
            _ => body.to_string(),
        }
    }
}

/// One RFC 2047 encoded word (`=?utf-8?b?…?=` or `=?utf-8?q?…?=`) decoded, or the text as it
/// is; and whether it was encoded.
fn decode_word(word: &str) -> (String, bool) {
    let inner = word.strip_prefix("=?").and_then(|w| w.strip_suffix("?="));
    let parts: Vec<&str> = inner.map(|w| w.splitn(3, '?').collect()).unwrap_or_default();
    match parts.as_slice() {
        [_, b, text] if b.eq_ignore_ascii_case("b") => (
            String::from_utf8(base64::engine::general_purpose::STANDARD.decode(text).expect("base64 word"))
                .expect("utf-8 word"),
            true,
        ),
        [_, q, text] if q.eq_ignore_ascii_case("q") => (quoted_printable(&text.replace('_', " ")), true),
        _ => (word.to_string(), false),
    }
}

fn quoted_printable(text: &str) -> String {
    let mut bytes = Vec::with_capacity(text.len());
    let raw = text.replace("=\r\n", "");
    let mut chars = raw.bytes();
    while let Some(b) = chars.next() {
        if b == b'=' {
            let hex: Vec<u8> = chars.by_ref().take(2).collect();
            let value = std::str::from_utf8(&hex).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
            bytes.push(value.expect("quoted-printable escape"));
        } else {
            bytes.push(b);
        }
    }
    String::from_utf8(bytes).expect("utf-8 text")
}

#[derive(Default)]
struct Inner {
    mails: Vec<Mail>,
    /// Recipients containing the text are answered with the code, `times` more times (None: always).
    refusals: Vec<(String, u16, Option<u32>)>,
}

#[derive(Clone)]
pub struct FakeSmtp {
    pub addr: SocketAddr,
    inner: Arc<Mutex<Inner>>,
}

impl FakeSmtp {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind fake smtp");
        let addr = listener.local_addr().expect("fake smtp addr");
        let inner = Arc::new(Mutex::new(Inner::default()));
        let shared = inner.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(session(stream, shared.clone()));
            }
        });
        Self { addr, inner }
    }

    /// `SMTP_URL` with the right login.
    pub fn url(&self) -> String {
        format!("smtp://{}:{PASSWORD}@{}", USER.replace('@', "%40"), self.addr)
    }

    /// Answers RCPT for recipients containing `text` with `code`: `times` times, or always.
    pub fn refuse(&self, text: &str, code: u16, times: Option<u32>) {
        self.lock().refusals.push((text.to_string(), code, times));
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.lock().mails.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn refusal(inner: &Mutex<Inner>, recipient: &str) -> Option<u16> {
    let mut inner = inner.lock().unwrap_or_else(|e| e.into_inner());
    let rule =
        inner.refusals.iter_mut().find(|(text, _, times)| recipient.contains(text.as_str()) && *times != Some(0))?;
    if let Some(times) = rule.2.as_mut() {
        *times -= 1;
    }
    Some(rule.1)
}

fn address(argument: &str) -> String {
    argument.trim().trim_start_matches('<').split('>').next().unwrap_or_default().to_string()
}

fn reply(text: &str) -> Vec<u8> {
    format!("{text}\r\n").into_bytes()
}

async fn session(stream: tokio::net::TcpStream, inner: Arc<Mutex<Inner>>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    let _ = write.write_all(&reply("220 fake.smtp.test ESMTP")).await;
    let (mut authenticated, mut from, mut to) = (false, String::new(), Vec::<String>::new());
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let command = line.trim_end().to_string();
        let upper = command.to_ascii_uppercase();
        let answer = if upper.starts_with("EHLO") {
            "250-fake.smtp.test\r\n250-8BITMIME\r\n250-AUTH PLAIN\r\n250 SMTPUTF8".to_string()
        } else if upper.starts_with("HELO") || upper == "NOOP" {
            "250 OK".into()
        } else if let Some(token) = upper.strip_prefix("AUTH PLAIN ").map(|_| &command[11..]) {
            let decoded = base64::engine::general_purpose::STANDARD.decode(token.trim()).unwrap_or_default();
            let expected = format!("\0{USER}\0{PASSWORD}").into_bytes();
            authenticated = decoded == expected;
            if authenticated {
                "235 2.7.0 Authentication successful"
            } else {
                "535 5.7.8 Authentication credentials invalid"
            }
            .into()
        } else if upper.starts_with("MAIL FROM:") {
            if authenticated {
                from = address(&command[10..]);
                to.clear();
                "250 2.1.0 OK".into()
            } else {
                "530 5.7.0 Authentication required".into()
            }
        } else if upper.starts_with("RCPT TO:") {
            let recipient = address(&command[8..]);
            match refusal(&inner, &recipient) {
                Some(code) if code >= 500 => format!("{code} 5.1.1 <{recipient}>: Recipient address rejected"),
                Some(code) => format!("{code} 4.2.2 <{recipient}>: Mailbox full, try again later"),
                None => {
                    to.push(recipient);
                    "250 2.1.5 OK".into()
                }
            }
        } else if upper == "DATA" {
            if to.is_empty() {
                "554 5.5.1 No valid recipients".into()
            } else {
                let _ = write.write_all(&reply("354 End data with <CR><LF>.<CR><LF>")).await;
                let mut data = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                let mail = Mail { from: from.clone(), to: std::mem::take(&mut to), data };
                inner.lock().unwrap_or_else(|e| e.into_inner()).mails.push(mail);
                "250 2.0.0 Ok: queued".into()
            }
        } else if upper == "RSET" {
            to.clear();
            "250 2.0.0 OK".into()
        } else if upper == "QUIT" {
            let _ = write.write_all(&reply("221 2.0.0 Bye")).await;
            return;
        } else {
            "502 5.5.2 Command not recognised".into()
        };
        if write.write_all(&reply(&answer)).await.is_err() {
            return;
        }
    }
}
