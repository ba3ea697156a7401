//! `kafka-consumer-groups` admin operations (placeholder).
