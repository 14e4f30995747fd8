//! `verify`: runs the matrix of policies × scenarios × dispatch modes × checkers.
fn main() {
    println!("verify: under construction");
}
