//! The values of `enum OpcodeClient`'s initializers: C++ integer literals, the file's `constexpr`
//! constants, and a small evaluator of `+`, `-`, `|`, `<<`, `>>` and parentheses over them and
//! the earlier members.

use crate::cpp::{Tok, TokKind};
use std::collections::HashMap;

/// Parses a C++ integer literal: hex, binary, octal or decimal, with `'` separators and
/// `u`/`l` suffixes.
fn parse_int(s: &str) -> Option<u64> {
    let s: String = s.chars().filter(|&c| c != '\'').collect();
    let s = s.trim_end_matches(['u', 'U', 'l', 'L']);
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()
    } else if let Some(b) = s.strip_prefix("0b").or_else(|| s.strip_prefix("0B")) {
        u64::from_str_radix(b, 2).ok()
    } else if s.len() > 1 && s.starts_with('0') {
        u64::from_str_radix(&s[1..], 8).ok()
    } else {
        s.parse().ok()
    }
}

/// `constexpr`/`const` integral constants of the file (`constexpr uint32 UNKNOWN_OPCODE = 0xBADD;`).
pub(super) fn constants(toks: &[Tok]) -> HashMap<String, i128> {
    let mut out = HashMap::new();
    for k in 1..toks.len().saturating_sub(2) {
        if toks[k].is_punct("=")
            && toks[k - 1].kind == TokKind::Ident
            && toks[k + 1].kind == TokKind::Number
            && toks[k + 2].is_punct(";")
            && toks[k.saturating_sub(5)..k].iter().any(|t| t.is_ident("constexpr") || t.is_ident("const"))
        {
            if let Some(v) = parse_int(&toks[k + 1].text) {
                out.insert(toks[k - 1].text.clone(), i128::from(v));
            }
        }
    }
    out
}

/// The value of the initializer `toks` (all of them), with `env` the constants and the members
/// defined before it.
pub(super) fn evaluate(toks: &[Tok], env: &HashMap<String, i128>) -> Result<i128, String> {
    let mut e = Expr { toks, pos: 0, env, depth: 0 };
    let v = e.or()?;
    if e.pos == toks.len() {
        Ok(v)
    } else {
        Err("unexpected tokens after the value".into())
    }
}

/// A small evaluator for enum initializers.
struct Expr<'a> {
    toks: &'a [Tok],
    pos: usize,
    env: &'a HashMap<String, i128>,
    /// How many `(` and unary signs deep the evaluator is (bounded, so input cannot exhaust the stack).
    depth: usize,
}

/// The deepest nesting an enum initializer may have.
const MAX_DEPTH: usize = 64;

impl Expr<'_> {
    fn peek(&self, p: &str) -> bool {
        self.toks.get(self.pos).is_some_and(|t| t.is_punct(p))
    }
    fn peek2(&self, p: &str) -> bool {
        self.peek(p) && self.toks.get(self.pos + 1).is_some_and(|t| t.is_punct(p))
    }
    fn or(&mut self) -> Result<i128, String> {
        let mut v = self.shift()?;
        while self.peek("|") {
            self.pos += 1;
            v |= self.shift()?;
        }
        Ok(v)
    }
    fn shift(&mut self) -> Result<i128, String> {
        let mut v = self.add()?;
        loop {
            let left = self.peek2("<");
            if !left && !self.peek2(">") {
                return Ok(v);
            }
            self.pos += 2;
            let by = self.add()?;
            if !(0..64).contains(&by) {
                return Err(format!("shift by {by}"));
            }
            v = if left { v.checked_mul(1i128 << by).ok_or("shift overflows")? } else { v >> by };
        }
    }
    fn add(&mut self) -> Result<i128, String> {
        let mut v = self.unary()?;
        loop {
            if self.peek("+") {
                self.pos += 1;
                v = v.checked_add(self.unary()?).ok_or("overflow")?;
            } else if self.peek("-") {
                self.pos += 1;
                v = v.checked_sub(self.unary()?).ok_or("overflow")?;
            } else {
                return Ok(v);
            }
        }
    }
    fn unary(&mut self) -> Result<i128, String> {
        if self.depth >= MAX_DEPTH {
            return Err(format!("nested more than {MAX_DEPTH} deep"));
        }
        self.depth += 1;
        let v = self.unary_inner();
        self.depth -= 1;
        v
    }
    fn unary_inner(&mut self) -> Result<i128, String> {
        if self.peek("-") {
            self.pos += 1;
            return self.unary()?.checked_neg().ok_or_else(|| "overflow".into());
        }
        if self.peek("+") {
            self.pos += 1;
        }
        self.primary()
    }
    fn primary(&mut self) -> Result<i128, String> {
        let Some(t) = self.toks.get(self.pos) else { return Err("expression ends early".into()) };
        self.pos += 1;
        match t.kind {
            TokKind::Number => {
                parse_int(&t.text).map(i128::from).ok_or_else(|| format!("`{}` is not an integer", t.text))
            }
            TokKind::Punct if t.text == "(" => {
                let v = self.or()?;
                if !self.peek(")") {
                    return Err("`(` without `)`".into());
                }
                self.pos += 1;
                Ok(v)
            }
            TokKind::Punct if t.text == "::" && self.toks.get(self.pos).is_some_and(|n| n.kind == TokKind::Ident) => {
                self.primary()
            }
            TokKind::Ident => {
                let mut name = &t.text;
                while self.peek("::") && self.toks.get(self.pos + 1).is_some_and(|n| n.kind == TokKind::Ident) {
                    name = &self.toks[self.pos + 1].text;
                    self.pos += 2;
                }
                self.env.get(name).copied().ok_or_else(|| format!("{name} is not defined before it"))
            }
            _ => Err(format!("unexpected `{}`", t.text)),
        }
    }
}
