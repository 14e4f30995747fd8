//! Prints the client opcode table this build of the model runs on, as the bundled TSV: the
//! bundled table itself, or a TrinityCore checkout's when built with `TRINITYCORE_DIR`:
//!
//! ```sh
//! TRINITYCORE_DIR=/abs/path/to/TrinityCore cargo run -q -p model --example opcode_table > table.tsv
//! ```
//!
//! On standard error: where the table comes from, and the handled opcodes whose handler kind no
//! rule names (taken as player-write, fail closed), which are worth a look at their handler.

use cpp_sources::trinitycore::to_tsv;
use model::opcodes::{kind_basis, KindBasis, OPCODES, TABLE_SOURCE};

fn main() {
    let rows = model::opcodes::table_rows();
    print!("{}", to_tsv(&rows));
    let guessed: Vec<&str> = OPCODES.iter().filter(|o| kind_basis(o).1 == KindBasis::Guessed).map(|o| o.name).collect();
    eprintln!("table: {TABLE_SOURCE} ({} opcodes)", rows.len());
    eprintln!("guessed handler kinds ({}): {}", guessed.len(), guessed.join(" "));
}
