//! Decimal text to `f64` and back, with the standard library's results and a fraction of its
//! code.
//!
//! The standard library's float parser (Eisel-Lemire with a big-decimal fallback) carries a
//! 10 KB table of powers of five that does not compress, and its formatting (Grisu with a
//! Dragon4 fallback) more code and tables: about 20 KB of the playground's gzipped WebAssembly
//! in all (issue 5 caps `dist/` at 400 KB). The playground reads a decimal only where a learner
//! types one (a `DOUBLE` config such as `min.cleanable.dirty.ratio`, a duration such as `1.5s`,
//! a tool's numeric option) and writes one for a config's value, a speed, or a coordinate in a
//! picture. So this module does both the plain way, exact arithmetic on the value's binary
//! mantissa and exponent:
//! - [`parse_f64`]: up to 15 significant digits and a power of ten up to 10^22 (every value a
//!   learner is likely to type) are exact `f64`s, so one multiplication or division, correctly
//!   rounded by IEEE 754, gives the correctly rounded result (Clinger's fast path); anything
//!   else takes the exact quotient in big integers, rounded half to even by hand, subnormal
//!   numbers and overflow included.
//! - [`fixed`] (`{:.N}`): the exact value times 10^N, rounded half to even; in 128-bit integers
//!   for a picture's coordinates, which are drawn every frame.
//! - [`shortest`] (`{}`) and [`shortest_exponential`] (`{:e}`): for one length of digits after
//!   another, the value rounded to that many significant digits (and its neighbour on the other
//!   side) until one reads back as the value; of two equally near, the upper, as the standard
//!   library's shortest digits do.
//!
//! Each gives what the standard library gives (and what Java's `Double.parseDouble` gives for
//! parsing): the property tests in `core/tests/decimal.rs` compare them bit for bit and
//! character for character, on random values and on halfway cases.

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
        _ => parse_unsigned(unsigned)?,
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// The largest power of ten that is an exact `f64` (5^22 < 2^53).
const MAX_EXACT_POWER: i64 = 22;

/// An unsigned decimal, `digits[.digits][e[sign]digits]` with at least one digit before the
/// exponent, correctly rounded; `None` for anything else (`inf` and `nan` included).
pub fn parse_unsigned(text: &str) -> Option<f64> {
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
    let (quotient, remainder) = numerator.div_rem(&denominator);
    let exact = remainder.0.is_empty();
    // Below 2^56: two limbs at most.
    let quotient = quotient
        .0
        .iter()
        .rev()
        .fold(0_u64, |value, &limb| value << 32 | u64::from(limb));
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

/// `format!("{value:.decimals$}")`: the exact value rounded half to even at `decimals` places.
pub fn fixed(value: f64, decimals: u32) -> String {
    let mut text = String::new();
    push_fixed(&mut text, value, decimals);
    text
}

/// [`fixed`], appended to `out` (for text built a number at a time, such as an SVG path).
pub fn push_fixed(out: &mut String, value: f64, decimals: u32) {
    if !push_sign(out, value) {
        return;
    }
    let (mantissa, exponent) = parts(value);
    let decimals_wide = i64::from(decimals);
    let decimals = decimals as usize;
    if let Some(scaled) = scaled_small(mantissa, exponent, decimals_wide, Ties::Even) {
        // Without allocating: a picture's path writes a few hundred numbers a frame.
        let mut digits = [0_u8; 48];
        let (mut count, mut rest) = (0, scaled);
        while rest > 0 || count <= decimals {
            digits[count] = (rest % 10) as u8;
            rest /= 10;
            count += 1;
        }
        for index in (0..count).rev() {
            if index + 1 == decimals {
                out.push('.');
            }
            out.push(char::from(b'0' + digits[index]));
        }
        return;
    }
    let digits = scaled_digits(mantissa, exponent, decimals_wide, Ties::Even);
    let padded = format!("{digits:0>width$}", width = decimals + 1);
    let (whole, fraction) = padded.split_at(padded.len() - decimals);
    out.push_str(whole);
    if decimals > 0 {
        out.push('.');
        out.push_str(fraction);
    }
}

/// `format!("{value}")`: the shortest digits that read back as `value`, without an exponent.
pub fn shortest(value: f64) -> String {
    let mut text = String::new();
    if !push_sign(&mut text, value) {
        return text;
    }
    let (digits, point) = shortest_digits(value.abs());
    if point <= 0 {
        text.push_str("0.");
        text.extend(std::iter::repeat_n('0', point.unsigned_abs() as usize));
        text.push_str(&digits);
    } else if point as usize >= digits.len() {
        text.push_str(&digits);
        text.extend(std::iter::repeat_n('0', point as usize - digits.len()));
    } else {
        let (whole, fraction) = digits.split_at(point as usize);
        text.push_str(whole);
        text.push('.');
        text.push_str(fraction);
    }
    text
}

/// `format!("{value:e}")`: the shortest digits that read back as `value`, as `d.ddde±x`.
pub fn shortest_exponential(value: f64) -> String {
    let mut text = String::new();
    if !push_sign(&mut text, value) {
        return text;
    }
    let (digits, point) = shortest_digits(value.abs());
    let (first, rest) = digits.split_at(1);
    text.push_str(first);
    if !rest.is_empty() {
        text.push('.');
        text.push_str(rest);
    }
    text.push('e');
    text.push_str(&(i64::from(point) - 1).to_string());
    text
}

/// Writes the sign as the standard library does (`-` for any negative value, `-0.0` too) and
/// says whether digits follow: `NaN`, `inf` and `-inf` are written whole.
fn push_sign(out: &mut String, value: f64) -> bool {
    if value.is_nan() {
        out.push_str("NaN");
        return false;
    }
    if value.is_sign_negative() {
        out.push('-');
    }
    if value.is_infinite() {
        out.push_str("inf");
        return false;
    }
    true
}

/// A finite `value`'s magnitude as `mantissa × 2^exponent`.
fn parts(value: f64) -> (u64, i64) {
    let bits = value.to_bits();
    let field = ((bits >> 52) & 0x7ff) as i64;
    let fraction = bits & ((1 << 52) - 1);
    if field == 0 {
        (fraction, MIN_EXPONENT)
    } else {
        (fraction | 1 << 52, field - 1075)
    }
}

/// How a value exactly halfway between two integers rounds.
#[derive(Clone, Copy, PartialEq)]
enum Ties {
    /// To the even one: the standard library's `{:.N}`.
    Even,
    /// Up: the standard library's shortest digits (`{}`, `{:e}`) when two are equally near.
    Up,
}

/// [`scaled_digits`] in 128-bit arithmetic, for the common case (a coordinate, a ratio, a
/// speed): a value below 2^53 with up to nine decimals.
fn scaled_small(mantissa: u64, exponent: i64, scale: i64, ties: Ties) -> Option<u128> {
    if !(0..=9).contains(&scale) || !(-127..=0).contains(&exponent) {
        return None;
    }
    let scaled = u128::from(mantissa) * 10_u128.pow(scale as u32);
    let shift = exponent.unsigned_abs() as u32;
    let whole = scaled >> shift;
    let rest = scaled - (whole << shift);
    let half = (1_u128 << shift) >> 1;
    let round_up =
        shift > 0 && (rest > half || rest == half && (ties == Ties::Up || whole & 1 == 1));
    Some(whole + u128::from(round_up))
}

/// The decimal digits of `mantissa × 2^exponent × 10^scale`, rounded to an integer.
fn scaled_digits(mantissa: u64, exponent: i64, scale: i64, ties: Ties) -> String {
    if let Some(scaled) = scaled_small(mantissa, exponent, scale, ties) {
        return scaled.to_string();
    }
    let (numerator, denominator) = ratio(mantissa, exponent, scale);
    numerator.div_rounded(&denominator, ties).into_decimal()
}

/// The shortest digits (no leading or trailing zeros) that read back as the positive finite
/// `value`, and where the decimal point goes: value ≈ 0.digits × 10^point. Of two candidates of
/// that length, the nearer to `value`, or the upper when they are equally near.
fn shortest_digits(value: f64) -> (String, i32) {
    if value == 0.0 {
        return ("0".to_owned(), 1);
    }
    let (mantissa, exponent) = parts(value);
    // Where the point goes: value is in [10^(point-1), 10^point). Estimated, then made exact.
    let mut point = value.log10().floor() as i64 + 1;
    while !at_least_power_of_ten(mantissa, exponent, point - 1) {
        point -= 1;
    }
    while at_least_power_of_ten(mantissa, exponent, point) {
        point += 1;
    }
    let read_back = |digits: &str, length: i64| {
        parse_f64(&format!("{digits}e{}", point - length)) == Some(value)
    };
    // `digits` of `length`, or 10^length when rounding carried over.
    let found = |digits: String, length: i64| {
        let carried = digits.len() as i64 - length;
        trimmed(digits, point + carried)
    };
    for length in 1..17_i64 {
        let digits = scaled_digits(mantissa, exponent, length - point, Ties::Up);
        if read_back(&digits, length) {
            return found(digits, length);
        }
        // The candidate of this length on the other side of `value`.
        let nearest = parse_f64(&format!("{digits}e{}", point - length)).unwrap_or(0.0);
        let step: i64 = if nearest < value { 1 } else { -1 };
        let other = (digits.parse::<i64>().unwrap_or(0) + step).to_string();
        if other.len() as i64 >= length && read_back(&other, length) {
            return found(other, length);
        }
    }
    // Seventeen significant digits always read back.
    found(scaled_digits(mantissa, exponent, 17 - point, Ties::Up), 17)
}

/// Whether `mantissa × 2^exponent` is at least 10^power.
fn at_least_power_of_ten(mantissa: u64, exponent: i64, power: i64) -> bool {
    let (numerator, denominator) = ratio(mantissa, exponent, -power);
    numerator.at_least(&denominator)
}

/// `mantissa × 2^exponent × 10^scale` as a numerator and a denominator.
fn ratio(mantissa: u64, exponent: i64, scale: i64) -> (Big, Big) {
    let mut numerator = Big::from_u64(mantissa);
    let mut denominator = Big(vec![1]);
    if scale >= 0 {
        numerator.mul_pow10(scale as u32);
    } else {
        denominator.mul_pow10(scale.unsigned_abs() as u32);
    }
    if exponent >= 0 {
        numerator.shl(exponent as u32);
    } else {
        denominator.shl(exponent.unsigned_abs() as u32);
    }
    (numerator, denominator)
}

/// `digits` without trailing zeros (the point stays where it is).
fn trimmed(mut digits: String, point: i64) -> (String, i32) {
    while digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
    }
    (digits, point as i32)
}

/// An unsigned big integer: base 2^32 limbs, least significant first, no high zero limbs.
struct Big(Vec<u32>);

impl Big {
    fn from_u64(value: u64) -> Big {
        let mut big = Big(vec![value as u32, (value >> 32) as u32]);
        big.trim();
        big
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

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
        self.trim();
    }

    fn at_least(&self, other: &Big) -> bool {
        self.0.len() > other.0.len()
            || self.0.len() == other.0.len() && self.0.iter().rev().ge(other.0.iter().rev())
    }

    /// `self / divisor`, rounded to the nearest integer.
    fn div_rounded(&self, divisor: &Big, ties: Ties) -> Big {
        let (mut quotient, mut remainder) = self.div_rem(divisor);
        remainder.shl(1);
        let odd = quotient.0.first().is_some_and(|limb| limb & 1 == 1);
        let above_half = remainder.at_least(divisor)
            && !(remainder.0 == divisor.0 && ties == Ties::Even && !odd);
        if above_half {
            quotient.add_one();
        }
        quotient
    }

    /// `self / divisor` and the remainder, by long division a bit at a time.
    fn div_rem(&self, divisor: &Big) -> (Big, Big) {
        let mut remainder = Big(Vec::new());
        let mut quotient = Big(vec![0; self.0.len()]);
        for bit in (0..self.bits()).rev() {
            remainder.shl(1);
            if self.0[(bit / 32) as usize] >> (bit % 32) & 1 == 1 {
                if remainder.0.is_empty() {
                    remainder.0.push(1);
                } else {
                    remainder.0[0] |= 1;
                }
            }
            if remainder.at_least(divisor) {
                remainder.sub(divisor);
                quotient.0[(bit / 32) as usize] |= 1 << (bit % 32);
            }
        }
        quotient.trim();
        (quotient, remainder)
    }

    fn add_one(&mut self) {
        for limb in &mut self.0 {
            let (sum, carry) = limb.overflowing_add(1);
            *limb = sum;
            if !carry {
                return;
            }
        }
        self.0.push(1);
    }

    /// The decimal digits (`0` for zero).
    fn into_decimal(mut self) -> String {
        let mut groups = Vec::new();
        while !self.0.is_empty() {
            let mut rest = 0_u64;
            for limb in self.0.iter_mut().rev() {
                let value = rest << 32 | u64::from(*limb);
                *limb = (value / 1_000_000_000) as u32;
                rest = value % 1_000_000_000;
            }
            self.trim();
            groups.push(rest);
        }
        let mut text = groups.pop().unwrap_or(0).to_string();
        for group in groups.iter().rev() {
            text.push_str(&format!("{group:09}"));
        }
        text
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
