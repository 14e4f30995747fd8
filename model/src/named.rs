//! Enums with a table of stable names: [`Named`], and the `named!` macro that writes each one's
//! `ALL` array, name method, optional `from_name` and [`Named`] impl from a single list of
//! `Variant => "name"` rows.
//!
//! The names are what the CLI parses, the JSON carries and the reports print (a few are
//! TrinityCore's own, e.g. [`crate::opcodes::Status::tc_name`]); `ALL` is the order reports list
//! the values in. Both are written once, in the macro's table, so a name and its variant cannot
//! drift apart and a new variant cannot be left out of `ALL` (the name `match` would then not be
//! exhaustive). The table's rows must be in declaration order (checked at compile time), so each
//! enum has one order: `ALL`'s, the derived `Ord`'s and the discriminants' are the same.
//!
//! This file is also compiled into `build.rs` (for [`crate::opcodes::HandlerKind`], which the
//! build script needs), so it names nothing else of the crate outside its docs.

/// An enum whose values have stable names (the CLI's, the JSON's, the reports').
pub trait Named: Copy + Eq + 'static {
    /// Every value, in the type's report order (its inherent `ALL`).
    const ALL: &'static [Self];
    /// The value's name.
    fn name(self) -> &'static str;
    /// The value named `name` (exact match), if any.
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.name() == name)
    }
}

/// Writes an enum's name table: the inherent `pub const ALL: [T; N]` (the rows' order, which
/// must be the declaration order: a compile-time assertion checks every value's discriminant
/// against its index, so an enum has one order, the same for `ALL`, the derived `Ord` and
/// `as usize`), the inherent name method (a `match`, any method name, usually `name`), optionally the inherent
/// `pub fn from_name(&str) -> Option<T>` (exact match), and the [`Named`] impl. Each inherent
/// item takes the doc comments written above it. The enum itself is written out as usual.
///
/// ```
/// use model::Named;
///
/// #[derive(Clone, Copy, PartialEq, Eq, Debug)]
/// enum Dispatch {
///     FireAndForget,
///     Barrier,
///     BoundedWait,
/// }
///
/// model::named! {
///     impl Dispatch {
///         /// All three, in report order.
///         const ALL;
///         /// Name.
///         fn name;
///         /// Parses a name.
///         fn from_name;
///     }
///     FireAndForget => "fire-and-forget",
///     Barrier => "barrier",
///     BoundedWait => "bounded-wait",
/// }
///
/// assert_eq!(Dispatch::ALL, [Dispatch::FireAndForget, Dispatch::Barrier, Dispatch::BoundedWait]);
/// assert_eq!(Dispatch::Barrier.name(), "barrier");
/// assert_eq!(Dispatch::from_name("bounded-wait"), Some(Dispatch::BoundedWait));
/// assert_eq!(Dispatch::from_name("Barrier"), None, "exact match only");
/// assert_eq!(<Dispatch as Named>::ALL.len(), 3);
/// ```
#[macro_export]
macro_rules! named {
    (
        impl $t:ident {
            $(#[$all_meta:meta])*
            const ALL;
            $(#[$name_meta:meta])*
            fn $name_fn:ident;
            $(
                $(#[$from_meta:meta])*
                fn from_name;
            )?
        }
        $($v:ident => $s:literal),+ $(,)?
    ) => {
        impl $t {
            $(#[$all_meta])*
            pub const ALL: [$t; [$($s),+].len()] = [$($t::$v),+];
            $(#[$name_meta])*
            pub fn $name_fn(self) -> &'static str {
                match self {
                    $($t::$v => $s,)+
                }
            }
            $(
                $(#[$from_meta])*
                pub fn from_name(name: &str) -> Option<$t> {
                    <$t as $crate::named::Named>::from_name(name)
                }
            )?
        }

        // The rows are in declaration order: `ALL[i] as usize == i`.
        const _: () = {
            let mut i = 0;
            while i < <$t>::ALL.len() {
                assert!(
                    <$t>::ALL[i] as usize == i,
                    concat!(stringify!($t), "::ALL is not in declaration order")
                );
                i += 1;
            }
        };

        impl $crate::named::Named for $t {
            const ALL: &'static [$t] = &<$t>::ALL;
            fn name(self) -> &'static str {
                <$t>::$name_fn(self)
            }
        }
    };
}
