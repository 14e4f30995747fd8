//! A small C++ lexer and function finder, enough for the files these checks read: TrinityCore's
//! `Opcodes.h`/`Opcodes.cpp`, the cited game sources and the module's classifier.
//!
//! It is not a compiler front end. It knows comments (line, block, a line comment continued by a
//! trailing backslash), string and character literals (with encoding prefixes and raw strings),
//! numbers (with digit separators) and preprocessor directives, so that text inside a comment or
//! a literal never looks like code. Directives are dropped, and so is everything between
//! `#if 0` and its `#else`/`#elif`/`#endif`; every other conditional branch is kept. A quote left
//! open runs to the end of its line; a block comment or raw string left open is a [`LexError`].
//!
//! Line numbers are 1-based and count `\n`; a `\r` before it (CRLF) is whitespace.
//!
//! | file | what it holds |
//! |---|---|
//! | `lexer.rs` | the tokens ([`Tok`], [`TokKind`]), [`lex`], [`code_tokens`] (directives and `#if 0` branches dropped) and [`matching`] |
//! | `functions.rs` | the function finder: [`functions`] and the [`FunctionDef`]s it returns |

mod functions;
mod lexer;

pub use functions::{functions, FunctionDef};
pub use lexer::{code_tokens, lex, matching, LexError, Tok, TokKind};
