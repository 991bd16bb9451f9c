"""Performance benchmarks (run from the README); each prints one JSON object last."""
