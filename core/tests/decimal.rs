//! `kplay_core::decimal::parse_f64` returns what the standard library's `str::parse::<f64>`
//! returns, bit for bit: on numbers written every way Rust prints them, on random digit strings
//! with random exponents, on random text, and on the hard cases: decimals exactly halfway
//! between two neighbouring `f64`s, and a hair above or below.

use kplay_core::decimal::{self, parse_f64};
use proptest::prelude::*;

fn assert_same(text: &str) {
    let ours = parse_f64(text);
    let std = text.parse::<f64>().ok();
    match (ours, std) {
        (Some(a), Some(b)) if a.is_nan() && b.is_nan() => {}
        (Some(a), Some(b)) => assert_eq!(a.to_bits(), b.to_bits(), "{text:?}: {a:e} vs {b:e}"),
        (a, b) => assert_eq!(a, b, "{text:?}"),
    }
}

/// Decimal digits, most significant first, times `factor`.
fn times(digits: &mut Vec<u8>, factor: u32) {
    let mut carry = 0;
    for digit in digits.iter_mut().rev() {
        let product = u32::from(*digit) * factor + carry;
        *digit = (product % 10) as u8;
        carry = product / 10;
    }
    while carry > 0 {
        digits.insert(0, (carry % 10) as u8);
        carry /= 10;
    }
}

/// The exact decimal, as `digits` and a power of ten, of the point halfway between the positive
/// finite `value` and the next `f64` up.
fn halfway(value: f64) -> (Vec<u8>, i64) {
    let bits = value.to_bits();
    let field = (bits >> 52) as i64;
    let fraction = bits & ((1 << 52) - 1);
    let (mantissa, exponent) = if field == 0 {
        (fraction, -1074)
    } else {
        (fraction | 1 << 52, field - 1075)
    };
    // halfway = (2 × mantissa + 1) × 2^(exponent - 1)
    let mut digits: Vec<u8> = (2 * mantissa + 1)
        .to_string()
        .bytes()
        .map(|b| b - b'0')
        .collect();
    let power = exponent - 1;
    if power >= 0 {
        (0..power).for_each(|_| times(&mut digits, 2));
        (digits, 0)
    } else {
        // 2^-n = 5^n × 10^-n
        (0..-power).for_each(|_| times(&mut digits, 5));
        (digits, power)
    }
}

fn written(digits: &[u8], exponent: i64) -> String {
    let text: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
    format!("{text}e{exponent}")
}

fn finite_positive() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<u64>().prop_map(|bits| f64::from_bits(bits >> 1)),
        (1u64..1 << 20).prop_map(f64::from_bits),
        (0.0f64..1e6),
    ]
    .prop_filter("finite", |value| value.is_finite())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn printed_floats_parse_back_alike(value in finite_positive(), precision in 0usize..30) {
        assert_same(&format!("{value}"));
        assert_same(&format!("-{value:e}"));
        assert_same(&format!("{value:.precision$e}"));
        assert_same(&format!("{value:.precision$}"));
    }

    #[test]
    fn halfway_points_and_their_neighbours_parse_alike(value in finite_positive()) {
        let (digits, exponent) = halfway(value);
        assert_same(&written(&digits, exponent));
        // A hair above: one more digit, a 1.
        let mut above = digits.clone();
        above.extend([0, 0, 0, 1]);
        assert_same(&written(&above, exponent - 4));
        // A hair below: the halfway point with 0000 appended, minus one.
        let mut below = digits;
        below.extend([0, 0, 0, 0]);
        let last_nonzero = below.iter().rposition(|&d| d != 0).expect("halfway is not zero");
        below[last_nonzero] -= 1;
        below[last_nonzero + 1..].fill(9);
        assert_same(&written(&below, exponent - 4));
    }

    #[test]
    fn random_digits_and_exponents_parse_alike(
        whole in "[0-9]{0,25}",
        fraction in proptest::option::of("[0-9]{0,25}"),
        exponent in proptest::option::of(-400i32..400),
        sign in "[+-]?",
    ) {
        let mut text = format!("{sign}{whole}");
        if let Some(fraction) = fraction {
            text.push('.');
            text.push_str(&fraction);
        }
        if let Some(exponent) = exponent {
            text.push_str(&format!("e{exponent}"));
        }
        assert_same(&text);
    }

    #[test]
    fn random_text_parses_alike(text in "[-+0-9.eEinfatyINFATY ]{0,12}") {
        assert_same(&text);
    }
}

#[test]
fn the_edges_of_the_range_parse_alike() {
    for text in [
        "0",
        "-0",
        "0.0e999999999",
        "1e308",
        "1.8e308",
        "1.7976931348623158e308",
        "1.7976931348623157e308",
        "2.2250738585072014e-308",
        "2.2250738585072011e-308",
        "4.9406564584124654e-324",
        "2.4703282292062327e-324",
        "2.4703282292062328e-324",
        "1e-324",
        "3e-324",
        "1e23",
        "9007199254740993",
        "9007199254740992.5",
        "123456789012345678901234567890",
        "0.1",
        "0.3",
        "inf",
        "-Infinity",
        "NaN",
        "nan",
        "infinit",
        "1e999999999999",
        "1e-999999999999",
        "00000000000000000000000.5e1",
    ] {
        assert_same(text);
    }
}

fn any_float() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<u64>().prop_map(f64::from_bits),
        finite_positive(),
        (-1e4f64..1e4),
        (0u32..2000).prop_map(|tenths| f64::from(tenths) / 10.0),
        (0u32..100_000).prop_map(|n| f64::from(n) / 1000.0 + 0.0005),
        (-1074i32..1024).prop_map(|power| 2f64.powi(power)),
        (-300i32..300).prop_map(|power| 10f64.powi(power)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn fixed_formats_as_the_standard_library_does(value in any_float(), decimals in 0u32..25) {
        let places = decimals as usize;
        prop_assert_eq!(decimal::fixed(value, decimals), format!("{value:.places$}"));
    }

    #[test]
    fn shortest_formats_as_the_standard_library_does(value in any_float()) {
        prop_assert_eq!(decimal::shortest(value), format!("{value}"));
        prop_assert_eq!(decimal::shortest_exponential(value), format!("{value:e}"));
    }
}

#[test]
fn the_edges_format_alike() {
    for value in [
        0.0,
        -0.0,
        0.5,
        1.5,
        2.5,
        -2.5,
        0.05,
        0.15,
        0.25,
        1e21,
        1e22,
        1e23,
        123456789.0,
        f64::MAX,
        f64::MIN_POSITIVE,
        f64::from_bits(1),
        f64::EPSILON,
        9007199254740993.0,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        0.1 + 0.2,
        1.0 / 3.0,
        5e-324,
        1e-7,
    ] {
        assert_eq!(decimal::shortest(value), format!("{value}"));
        assert_eq!(decimal::shortest_exponential(value), format!("{value:e}"));
        for places in 0..20 {
            assert_eq!(
                decimal::fixed(value, places as u32),
                format!("{value:.places$}")
            );
        }
    }
}
