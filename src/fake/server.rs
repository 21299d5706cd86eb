//! A small HTTP/1.1 server on std: one thread accepts, one thread per connection serves
//! requests in turn (keep-alive, `Content-Length` or chunked bodies, `Connection: close`).
//!
//! Only `POST /xmlrpc/` reaches the simulator; other paths get 404 and other methods 405.
//! This file knows nothing of Gandi: it turns bytes into a body and a [`Reply`] into bytes.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::thread;
use std::time::Duration;

use super::Shared;

/// Largest request head and body accepted.
const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 64 * 1024 * 1024;

/// How often a waiting connection checks whether the server is shutting down.
const POLL: Duration = Duration::from_millis(50);

/// What to send back for one request.
#[derive(Debug)]
pub(crate) enum Reply {
    /// 200 with an XML body.
    Xml(Vec<u8>),
    /// Another status with a plain-text body.
    Status(u16, String),
    /// Close without answering.
    Drop,
    /// 200 headers announcing the whole body, then half of it, then close.
    Truncated(Vec<u8>),
    /// Wait, then send the inner reply.
    Delayed(Duration, Box<Reply>),
}

/// Accepts connections until `shared.stopping` is set (the owner then connects once to wake
/// the blocking `accept`).
pub(crate) fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else {
            continue;
        };
        let shared = Arc::clone(&shared);
        let spawned = thread::Builder::new()
            .name("gandi-fake-conn".to_owned())
            .spawn(move || {
                let _ = serve(stream, &shared);
            });
        if spawned.is_err() {
            // Out of threads: the stream was moved into the failed closure and is closed.
            continue;
        }
    }
}

struct Conn<'a> {
    stream: TcpStream,
    buf: Vec<u8>,
    shared: &'a Shared,
}

impl Conn<'_> {
    /// Reads more bytes; `Ok(false)` when the peer closed or the server is stopping.
    fn fill(&mut self) -> io::Result<bool> {
        let mut chunk = [0u8; 16 * 1024];
        loop {
            if self.shared.stopping.load(Ordering::SeqCst) {
                return Ok(false);
            }
            match self.stream.read(&mut chunk) {
                Ok(0) => return Ok(false),
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    return Ok(true);
                }
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Ensures at least `n` bytes are buffered.
    fn need(&mut self, n: usize) -> io::Result<bool> {
        while self.buf.len() < n {
            if !self.fill()? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Reads a CRLF-terminated line starting at `from`; returns it and the offset after it.
    fn line(&mut self, from: usize) -> io::Result<Option<(String, usize)>> {
        loop {
            if let Some(pos) = find(&self.buf[from..], b"\r\n") {
                let text = String::from_utf8_lossy(&self.buf[from..from + pos]).into_owned();
                return Ok(Some((text, from + pos + 2)));
            }
            if self.buf.len() - from > MAX_HEAD || !self.fill()? {
                return Ok(None);
            }
        }
    }

    /// Reads a chunked body starting at `from`; returns it and the offset after it.
    fn chunked(&mut self, mut from: usize) -> io::Result<Option<(Vec<u8>, usize)>> {
        let mut body = Vec::new();
        loop {
            let Some((size_line, after)) = self.line(from)? else {
                return Ok(None);
            };
            let size_text = size_line.split(';').next().unwrap_or("").trim();
            let Ok(size) = usize::from_str_radix(size_text, 16) else {
                return Ok(None);
            };
            if size == 0 {
                // Skip trailers up to the empty line.
                let mut at = after;
                loop {
                    let Some((trailer, next)) = self.line(at)? else {
                        return Ok(None);
                    };
                    at = next;
                    if trailer.is_empty() {
                        return Ok(Some((body, at)));
                    }
                }
            }
            if body.len() + size > MAX_BODY || !self.need(after + size + 2)? {
                return Ok(None);
            }
            body.extend_from_slice(&self.buf[after..after + size]);
            from = after + size + 2;
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

fn head(status: u16, content_type: &str, length: usize, keep_alive: bool, extra: &str) -> String {
    format!(
        "HTTP/1.1 {status} {}\r\nServer: gandi-fake\r\nContent-Type: {content_type}\r\n\
         Content-Length: {length}\r\nConnection: {}\r\n{extra}\r\n",
        reason(status),
        if keep_alive { "keep-alive" } else { "close" },
    )
}

fn send_text(
    stream: &mut TcpStream,
    status: u16,
    text: &str,
    keep_alive: bool,
    extra: &str,
) -> io::Result<()> {
    let mut out = head(
        status,
        "text/plain; charset=utf-8",
        text.len(),
        keep_alive,
        extra,
    )
    .into_bytes();
    out.extend_from_slice(text.as_bytes());
    stream.write_all(&out)?;
    stream.flush()
}

/// Serves one connection until it closes. Returns early on any I/O error.
fn serve(stream: TcpStream, shared: &Shared) -> io::Result<()> {
    stream.set_read_timeout(Some(POLL))?;
    stream.set_nodelay(true)?;
    let mut conn = Conn {
        stream,
        buf: Vec::new(),
        shared,
    };
    loop {
        // The request head.
        let head_end = loop {
            if let Some(pos) = find(&conn.buf, b"\r\n\r\n") {
                break pos + 4;
            }
            if conn.buf.len() > MAX_HEAD {
                return send_text(&mut conn.stream, 431, "request head too large\n", false, "");
            }
            if !conn.fill()? {
                return Ok(());
            }
        };
        let text = String::from_utf8_lossy(&conn.buf[..head_end - 4]).into_owned();
        let mut lines = text.split("\r\n");
        let request_line = lines.next().unwrap_or("");
        let mut parts = request_line.split_whitespace();
        let (method, target, version) = (
            parts.next().unwrap_or("").to_owned(),
            parts.next().unwrap_or("").to_owned(),
            parts.next().unwrap_or("").to_owned(),
        );
        if method.is_empty() || target.is_empty() || !version.starts_with("HTTP/1.") {
            return send_text(&mut conn.stream, 400, "bad request line\n", false, "");
        }
        let mut length: Option<usize> = None;
        let mut chunked = false;
        let mut connection = String::new();
        let mut expect_continue = false;
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match name.trim().to_ascii_lowercase().as_str() {
                "content-length" => match value.parse() {
                    Ok(n) => length = Some(n),
                    Err(_) => {
                        return send_text(&mut conn.stream, 400, "bad Content-Length\n", false, "");
                    }
                },
                "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
                "connection" => connection = value.to_ascii_lowercase(),
                "expect" => expect_continue = value.eq_ignore_ascii_case("100-continue"),
                _ => {}
            }
        }
        let keep_alive = if version == "HTTP/1.0" {
            connection.contains("keep-alive")
        } else {
            !connection.contains("close")
        };
        if length.is_some_and(|n| n > MAX_BODY) {
            return send_text(&mut conn.stream, 413, "body too large\n", false, "");
        }
        if expect_continue {
            conn.stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        }

        // The body.
        let (body, consumed) = if chunked {
            match conn.chunked(head_end)? {
                Some(found) => found,
                None => return send_text(&mut conn.stream, 400, "bad chunked body\n", false, ""),
            }
        } else {
            let n = length.unwrap_or(0);
            if !conn.need(head_end + n)? {
                return Ok(());
            }
            (conn.buf[head_end..head_end + n].to_vec(), head_end + n)
        };
        conn.buf.drain(..consumed);

        // Routing.
        let path = target.split('?').next().unwrap_or("");
        let reply = if path != "/xmlrpc/" {
            Reply::Status(404, format!("no such path: {path}\n"))
        } else if method != "POST" {
            send_text(
                &mut conn.stream,
                405,
                "only POST is allowed\n",
                keep_alive,
                "Allow: POST\r\n",
            )?;
            if !keep_alive {
                return Ok(());
            }
            continue;
        } else if length.is_none() && !chunked {
            Reply::Status(411, "Content-Length required\n".to_owned())
        } else {
            shared.respond(&body)
        };
        if !write_reply(&mut conn.stream, reply, keep_alive)? || !keep_alive {
            return Ok(());
        }
    }
}

/// Writes `reply`; returns whether the connection may be reused.
fn write_reply(stream: &mut TcpStream, reply: Reply, keep_alive: bool) -> io::Result<bool> {
    match reply {
        Reply::Xml(body) => {
            let mut out =
                head(200, "text/xml; charset=utf-8", body.len(), keep_alive, "").into_bytes();
            out.extend_from_slice(&body);
            stream.write_all(&out)?;
            stream.flush()?;
            Ok(true)
        }
        Reply::Status(status, text) => {
            send_text(stream, status, &text, keep_alive, "")?;
            Ok(true)
        }
        Reply::Drop => {
            let _ = stream.shutdown(Shutdown::Both);
            Ok(false)
        }
        Reply::Truncated(body) => {
            let mut out = head(200, "text/xml; charset=utf-8", body.len(), false, "").into_bytes();
            out.extend_from_slice(&body[..body.len() / 2]);
            stream.write_all(&out)?;
            stream.flush()?;
            let _ = stream.shutdown(Shutdown::Both);
            Ok(false)
        }
        Reply::Delayed(delay, inner) => {
            thread::sleep(delay);
            write_reply(stream, *inner, keep_alive)
        }
    }
}
