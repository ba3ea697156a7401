//! Decimal text to `f64`, with the same result as `str::parse::<f64>` and a fraction of its code.
//!
//! The standard library's parser (Eisel-Lemire with a big-decimal fallback) carries a 10 KB
//! table of powers of five that does not compress, about 17 KB of the playground's gzipped
//! WebAssembly in all (issue 5 caps `dist/` at 400 KB). The playground parses a decimal number
//! only where a learner types one: a `DOUBLE` config such as `min.cleanable.dirty.ratio`, a
//! duration such as `1.5s`, a tool's numeric option. So [`parse_f64`] takes the short way
//! when it is exact and long arithmetic otherwise:
//! - up to 15 significant digits and a power of ten up to 10^22 (every value a learner is
//!   likely to type): both are exact `f64`s, so one multiplication or division, correctly
//!   rounded by IEEE 754, gives the correctly rounded result (Clinger's fast path);
//! - anything else: the exact quotient in big integers, rounded half to even by hand, subnormal
//!   numbers and overflow included.
//!
//! Either way the result is the correctly rounded `f64`, which is what the standard library,
//! and Java's `Double.parseDouble`, return. The property test in `core/tests/decimal.rs` checks
//! it against the standard library on random and on halfway inputs.

/// Parses `text` as `str::parse::<f64>` does: an optional sign, then `inf`, `infinity` or `nan`
/// (any case), or digits with an optional point and an optional exponent (`e` or `E`, an
/// optional sign, digits), with at least one digit before the exponent. `None` for anything
/// else.
pub fn parse_f64(text: &str) -> Option<f64> {
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let magnitude = match unsigned.to_ascii_lowercase().as_str() {
        "inf" | "infinity" => f64::INFINITY,
        "nan" => f64::NAN,
        _ => parse_decimal(unsigned)?,
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// The largest power of ten that is an exact `f64` (5^22 < 2^53).
const MAX_EXACT_POWER: i64 = 22;

/// An unsigned decimal: `digits[.digits][e[sign]digits]`.
fn parse_decimal(text: &str) -> Option<f64> {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], parse_exponent(&text[at + 1..])?),
        None => (text, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    // The significant digits, without leading or trailing zeros: value = digits × 10^exponent.
    let joined = [whole.as_bytes(), fraction.as_bytes()].concat();
    let first = joined.iter().position(|&d| d != b'0');
    let Some(first) = first else {
        return Some(0.0);
    };
    let last = joined.iter().rposition(|&d| d != b'0').unwrap_or(first);
    let digits = &joined[first..=last];
    let exponent = exponent - fraction.len() as i64 + (joined.len() - 1 - last) as i64;
    if digits.len() <= 15 && exponent.abs() <= MAX_EXACT_POWER {
        let value = digits
            .iter()
            .fold(0.0, |value, &d| value * 10.0 + f64::from(d - b'0'));
        let power = (0..exponent.abs()).fold(1.0, |power, _| power * 10.0);
        return Some(if exponent < 0 {
            value / power
        } else {
            value * power
        });
    }
    // The value lies in [10^(magnitude - 1), 10^magnitude).
    let magnitude = digits.len() as i64 + exponent;
    if magnitude > 310 {
        return Some(f64::INFINITY);
    }
    if magnitude < -324 {
        // Below 10^-325, under half the smallest subnormal (4.9 × 10^-324): rounds to zero.
        return Some(0.0);
    }
    Some(exact_quotient(digits, exponent))
}

/// An exponent's `[sign]digits`, saturated far beyond any `f64`'s range.
fn parse_exponent(text: &str) -> Option<i64> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value = digits.bytes().fold(0_i64, |value, d| {
        (value * 10 + i64::from(d - b'0')).min(1_000_000_000)
    });
    Some(if negative { -value } else { value })
}

/// The smallest binary exponent of an `f64`: the smallest subnormal is 2^-1074.
const MIN_EXPONENT: i64 = -1074;

/// `digits × 10^exponent` correctly rounded, by big-integer arithmetic.
fn exact_quotient(digits: &[u8], exponent: i64) -> f64 {
    let mut numerator = Big::from_digits(digits);
    let mut denominator = Big(vec![1]);
    let scale = exponent.unsigned_abs() as u32;
    if exponent >= 0 {
        numerator.mul_pow10(scale);
    } else {
        denominator.mul_pow10(scale);
    }
    // Scale by 2^-shift so that the quotient has 55 or 56 bits (two or more below the 53 kept,
    // for rounding), or fewer when the value is subnormal.
    let shift = (numerator.bits() as i64 - denominator.bits() as i64 - 55).max(MIN_EXPONENT - 2);
    if shift < 0 {
        numerator.shl(shift.unsigned_abs() as u32);
    } else {
        denominator.shl(shift as u32);
    }
    let (quotient, exact) = numerator.div_small_quotient(&denominator);
    // Keep 53 bits, or as many as the subnormal range allows, and round half to even.
    let bits = 64 - i64::from(quotient.leading_zeros());
    let kept_exponent = (shift + bits - 53).max(MIN_EXPONENT);
    let dropped = (kept_exponent - shift) as u32;
    let mut mantissa = quotient >> dropped;
    let half = 1_u64 << (dropped - 1);
    let rest = quotient & ((half << 1) - 1);
    if rest > half || rest == half && (!exact || mantissa & 1 == 1) {
        mantissa += 1;
    }
    let (mantissa, kept_exponent) = if mantissa == 1 << 53 {
        (1 << 52, kept_exponent + 1)
    } else {
        (mantissa, kept_exponent)
    };
    if kept_exponent > 971 {
        return f64::INFINITY;
    }
    if mantissa < 1 << 52 {
        // Subnormal (kept_exponent is MIN_EXPONENT): the exponent field is zero.
        return f64::from_bits(mantissa);
    }
    f64::from_bits(((kept_exponent + 1075) as u64) << 52 | (mantissa & ((1 << 52) - 1)))
}

/// An unsigned big integer: base 2^32 limbs, least significant first, no high zero limbs.
struct Big(Vec<u32>);

impl Big {
    fn from_digits(digits: &[u8]) -> Big {
        let mut big = Big(Vec::new());
        for &digit in digits {
            big.mul_add(10, u32::from(digit - b'0'));
        }
        big
    }

    /// `self × factor + carry`.
    fn mul_add(&mut self, factor: u32, mut carry: u32) {
        for limb in &mut self.0 {
            let product = u64::from(*limb) * u64::from(factor) + u64::from(carry);
            *limb = product as u32;
            carry = (product >> 32) as u32;
        }
        if carry != 0 {
            self.0.push(carry);
        }
    }

    fn mul_pow10(&mut self, mut power: u32) {
        while power > 0 {
            let step = power.min(9);
            self.mul_add(10_u32.pow(step), 0);
            power -= step;
        }
    }

    fn shl(&mut self, bits: u32) {
        let (limbs, bits) = ((bits / 32) as usize, bits % 32);
        if bits != 0 {
            let mut carry = 0;
            for limb in &mut self.0 {
                let next = *limb >> (32 - bits);
                *limb = *limb << bits | carry;
                carry = next;
            }
            if carry != 0 {
                self.0.push(carry);
            }
        }
        self.0.splice(0..0, std::iter::repeat_n(0, limbs));
    }

    fn bits(&self) -> u32 {
        self.0
            .last()
            .map_or(0, |top| self.0.len() as u32 * 32 - top.leading_zeros())
    }

    /// `self - other`, when `other <= self`.
    fn sub(&mut self, other: &Big) {
        let mut borrow = false;
        for (index, limb) in self.0.iter_mut().enumerate() {
            let subtrahend = other.0.get(index).copied().unwrap_or(0);
            let (difference, under) = limb.overflowing_sub(subtrahend);
            let (difference, under_again) = difference.overflowing_sub(u32::from(borrow));
            *limb = difference;
            borrow = under || under_again;
        }
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn at_least(&self, other: &Big) -> bool {
        self.0.len() > other.0.len()
            || self.0.len() == other.0.len() && self.0.iter().rev().ge(other.0.iter().rev())
    }

    /// `self / divisor` when it is below 2^56, and whether the division is exact.
    fn div_small_quotient(mut self, divisor: &Big) -> (u64, bool) {
        let mut quotient = 0;
        for bit in (0..56).rev() {
            let mut shifted = Big(divisor.0.clone());
            shifted.shl(bit);
            if self.at_least(&shifted) {
                self.sub(&shifted);
                quotient |= 1 << bit;
            }
        }
        (quotient, self.0.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::parse_f64;

    #[test]
    fn the_fast_path_and_the_long_way_agree_on_plain_numbers() {
        assert_eq!(parse_f64("0.5"), Some(0.5));
        assert_eq!(parse_f64("1.5"), Some(1.5));
        assert_eq!(parse_f64("-2e3"), Some(-2000.0));
        assert_eq!(parse_f64(".25"), Some(0.25));
        assert_eq!(parse_f64("7."), Some(7.0));
        assert_eq!(parse_f64("1e400"), Some(f64::INFINITY));
        assert_eq!(parse_f64("1e-400"), Some(0.0));
        assert_eq!(parse_f64("4.9e-324"), Some(f64::from_bits(1)));
        assert_eq!(parse_f64("1.7976931348623157e308"), Some(f64::MAX));
    }

    #[test]
    fn anything_but_a_number_is_refused() {
        for text in [
            "", ".", "e5", "1e", "1e+", "--1", "1.2.3", "0x10", " 1", "1 ", "in",
        ] {
            assert_eq!(parse_f64(text), None, "{text:?}");
        }
    }
}
