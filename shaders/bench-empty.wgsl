// bench-empty: one invocation increments a counter; a chain of these dispatches measures the fixed cost
// of a dependent dispatch (launch plus the barrier Dawn inserts between dispatches that write storage).
// Bindings: group 0 = counter.

@group(0) @binding(0) var<storage, read_write> counter: array<u32>;

@compute @workgroup_size(1)
fn main() {
  counter[0] = counter[0] + 1u;
}
