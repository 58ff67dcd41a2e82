#!/usr/bin/env bash
# What the test suite checks Lamina against, installed where missing (Debian/Ubuntu, as root): numpy
# (numpy.load reads Lamina's .npy files), Brian2 (the COBA peer), h5py and hdmf (the NWB validator),
# jsonschema (the spec's JSON Schema read from Python), torch (torch.nn.LSTM / GRU, the gated units'
# peer), Chromium (report.html rendered headless), and pynwb + nwbinspector from PyPI where PyPI can be reached.
# Run by `npm test` (pretest) and so by .ci/run. Where it cannot install (not root, no apt), it says what
# is missing and goes on: the tests that need a peer then fail naming it (in CI) or check less.
set -uo pipefail
cd "$(dirname "$0")/.."
py=/usr/bin/python3
missing=()
"$py" -c 'import numpy' 2>/dev/null || missing+=(python3-numpy)
"$py" -c 'import brian2' 2>/dev/null || missing+=(python3-brian)
"$py" -c 'import h5py, hdmf' 2>/dev/null || missing+=(python3-h5py python3-hdmf)
"$py" -c 'import jsonschema' 2>/dev/null || missing+=(python3-jsonschema)
"$py" -c 'import torch' 2>/dev/null || missing+=(python3-torch)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup-test-peers: installing ${missing[*]}" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
      || echo "setup-test-peers: apt-get install ${missing[*]} failed" >&2
  else
    echo "setup-test-peers: missing ${missing[*]}; install them with: sudo apt-get install ${missing[*]}" >&2
  fi
fi
# pynwb and nwbinspector into .pynwb/ (seen only by the NWB check); where PyPI cannot be reached the NWB
# test validates with hdmf's validator instead. Tried once: .pynwb-unavailable marks a failed attempt.
if [ ! -d .pynwb ] && [ ! -e .pynwb-unavailable ]; then
  if timeout 180 "$py" -m pip install --quiet --disable-pip-version-check --retries 0 --timeout 10 --target .pynwb pynwb nwbinspector >/dev/null 2>&1; then
    echo "setup-test-peers: pynwb and nwbinspector installed into .pynwb/" >&2
  else
    rm -rf .pynwb
    touch .pynwb-unavailable
    echo "setup-test-peers: pynwb/nwbinspector not installable (PyPI unreachable?): the NWB test validates with hdmf's validator" >&2
  fi
fi
exit 0
