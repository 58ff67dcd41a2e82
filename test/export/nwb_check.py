"""
Checks a Lamina NWB export against the run directory it came from.

    python3 nwb_check.py FILE.nwb RUN_DIR SCHEMA.json

Validation: with pynwb and nwbinspector importable, pynwb's validator (cached namespaces) and
nwbinspector (no CRITICAL message allowed), and pynwb reads the spike times and recordings back.
Otherwise hdmf's validator against the NWB namespace vendored in SCHEMA.json (engine/node/nwb-schema),
hdmf loading the file's own /specifications cache, and by hand the CRITICAL nwbinspector checks that
can apply to these files. Either way h5py reads every dataset back and compares it with the .npy files.
Prints one JSON line: {"validator", "errors", "checked"}; exits 1 if there is any error.
"""
import json
import os
import re
import sys
from datetime import datetime, timezone

import h5py
import numpy as np

errors = []
checked = []


def expect(ok, what):
    checked.append(what)
    if not ok:
        errors.append(what)


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def run_data(run_dir):
    """What the .npy files and meta.json of the run say: expected spike trains and recordings."""
    meta = json.load(open(os.path.join(run_dir, 'meta.json')))
    spec = meta['spec']
    dt, B = spec['dt'], meta.get('batch', 1)
    sizes = {p['name']: p['size'] for p in spec['populations']}
    trains, dense = {}, {}
    for r in spec.get('record', []):
        a = np.load(os.path.join(run_dir, r['name'] + '.npy'))
        if r.get('what') == 'spikes':
            for b in range(B):
                for n in range(sizes[r['population']]):
                    trains[(r['population'], b, n)] = []
            for step, b, n in a:
                trains[(r['population'], int(b), int(n))].append((int(step) + 1) * dt / 1000)
        else:
            dense[r['name']] = (a, r.get('every', 1) * dt / 1000)
    return meta, spec, dt, B, trains, dense


def check_h5(path, run_dir, schema):
    meta, spec, dt, B, trains, dense = run_data(run_dir)
    f = h5py.File(path, 'r')
    for name in ('identifier', 'session_description', 'session_start_time', 'timestamps_reference_time', 'file_create_date'):
        expect(name in f, f'/{name} present')
    expect(text(f.attrs.get('nwb_version', b'')) == schema['core']['version'], 'nwb_version is the vendored core version')
    expect(f[f.attrs['.specloc']].name == '/specifications', '.specloc references /specifications')
    for ns, entry in schema.items():
        for source, content in entry['files'].items():
            key = f"/specifications/{ns}/{entry['version']}/{source}"
            expect(key in f and json.loads(text(f[key][()])) == content, f'{key} equals the vendored schema')
    expect(json.loads(text(f['general/source_script'][()])) == spec, 'general/source_script is the spec')
    # meta.json as it was when exported (it lists the .nwb file since)
    written, now = json.loads(text(f['general/data_collection'][()])), dict(meta)
    written.pop('files', None), now.pop('files', None)
    expect(written == now, 'general/data_collection is meta.json')
    if trains:
        u = f['units']
        index, times = u['spike_times_index'][()], u['spike_times'][()]
        pops, neuron, inst = [text(x) for x in u['population'][()]], u['neuron'][()], u['instance'][()]
        expect(len(pops) == len(trains), f'units: one row per recorded neuron and instance ({len(trains)})')
        got = {(pops[i], int(inst[i]), int(neuron[i])): times[(index[i - 1] if i else 0):index[i]] for i in range(len(pops))}
        expect(all(np.array_equal(got.get(k, np.zeros(0)), np.array(v, dtype=np.float64)) for k, v in trains.items()), 'units: spike times equal (step + 1) dt of the .npy tables')
        expect(float(u['spike_times'].attrs['resolution']) == dt / 1000, 'units: spike_times resolution is dt')
    for name, (a, period) in dense.items():
        ts = f['acquisition/' + name]
        data = ts['data'][()]
        expect(np.array_equal(data.reshape(a.shape), a) and data.dtype == a.dtype, f'{name}: data equal the .npy')
        expect(abs(float(ts['starting_time'][()]) - period) < 1e-15 and abs(float(ts['starting_time'].attrs['rate']) - 1 / period) < 1e-9 / period, f'{name}: row r at (r + 1) every dt')
    for p in spec.get('projections', []):
        wfile = os.path.join(run_dir, f"weights_{p['name']}.npy")
        if not os.path.exists(wfile):
            continue
        t = f[f"processing/network/weights_{p['name']}"]
        w = np.load(wfile).reshape(B, -1).T
        expect(np.array_equal(t['weight'][()], w), f"weights_{p['name']}: weight[:, b] is instance b's final weights")
        sfile = os.path.join(run_dir, f"synapses_{p['name']}.npy")
        if os.path.exists(sfile):
            s = np.load(sfile)
            expect(np.array_equal(t['pre'][()], s[:, 0]) and np.array_equal(t['post'][()], s[:, 1]) and np.allclose(t['delay'][()], s[:, 2] * dt / 1000, rtol=1e-15, atol=0), f"weights_{p['name']}: synapses")
    return f


def inspector_criticals(f):
    """nwbinspector's CRITICAL checks that can apply to these files, by hand (h5py)."""
    now = datetime.now(timezone.utc)
    start = datetime.fromisoformat(text(f['session_start_time'][()]).replace('Z', '+00:00'))
    expect(start.tzinfo is not None and start < now, 'check_session_start_time_future_date (and a timezone)')
    expect('general/subject' in f, 'check_subject_exists')
    if 'general/subject' in f:
        s = f['general/subject']
        dur = r'P(?!$)(\d+(?:\.\d+)?Y)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?W)?(\d+(?:\.\d+)?D)?(T(?=\d)(\d+(?:\.\d+)?H)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?S)?)?'
        age = text(s['age'][()]) if 'age' in s else None
        expect(age is not None and (re.fullmatch(dur, age) or ('/' in age and re.fullmatch(dur, age.split('/')[0]) and re.fullmatch(dur + '|', age.split('/')[1]))), 'check_subject_age')
        expect('subject_id' in s, 'check_subject_id_exists')
        expect('sex' in s and text(s['sex'][()]) in ('M', 'F', 'O', 'U'), 'check_subject_sex')

    def visit(name, obj):
        expect('\\' not in name.split('/')[-1], f'check_name_slashes: {name}')
        t = text(obj.attrs.get('neurodata_type', b''))
        if isinstance(obj, h5py.Group) and 'data' in obj and ('starting_time' in obj or 'timestamps' in obj):
            shape = obj['data'].shape
            expect(not any(n > shape[0] for n in shape[1:]), f'check_data_orientation: {name} {shape}')
            if 'timestamps' in obj:
                expect(obj['timestamps'].shape[0] == shape[0], f'check_timestamps_match_first_dimension: {name}')
            if 'starting_time' in obj:
                rate = float(obj['starting_time'].attrs['rate'])
                expect(rate > 0 and not 0 < rate < 0.01, f'check_rate_is_not_zero / positive / not below 0.01 Hz: {name}')
        if isinstance(obj, h5py.Group) and 'id' in obj and 'colnames' in obj.attrs:
            ids = obj['id'][()]
            expect(len(np.unique(ids)) == len(ids), f'check_ids_unique: {name}')
        if t == 'DynamicTableRegion':
            table = f[obj.attrs['table']]
            expect(np.all((obj[()] >= 0) & (obj[()] < len(table['id']))), f'check_dynamic_table_region_data_validity: {name}')
    f.visititems(visit)
    if 'units' in f and len(f['units/spike_times']):
        st = f['units/spike_times'][()]
        expect(st.max() - st.min() <= 31557600.0, 'check_units_table_duration')


def known_types(f, schema):
    """Every typed object names a type of its namespace; TimeSeries data carry their unit (hdmf 3.5's
    validator skips objects of unknown types and the attributes of untyped datasets)."""
    catalog = nwb_catalog(schema)

    def visit(name, obj):
        t, ns = text(obj.attrs.get('neurodata_type', b'')), text(obj.attrs.get('namespace', b''))
        if t:
            expect(ns in catalog.namespaces and t in catalog.get_namespace(ns).get_registered_types(), f'{name}: type {ns}:{t} exists')
        if t == 'TimeSeries':
            expect('unit' in obj['data'].attrs and 'rate' in obj['starting_time'].attrs, f'{name}: data.unit and starting_time.rate present')
    f.visititems(visit)


def nwb_catalog(schema):
    """hdmf's NamespaceCatalog with NWB's key names (as pynwb makes it), loaded from a dict of sources."""
    from hdmf.spec import DatasetSpec, GroupSpec, NamespaceCatalog, SpecNamespace
    from hdmf.spec.namespace import SpecReader

    class NWB:
        @classmethod
        def type_key(cls):
            return 'neurodata_type'

        @classmethod
        def inc_key(cls):
            return 'neurodata_type_inc'

        @classmethod
        def def_key(cls):
            return 'neurodata_type_def'

        @classmethod
        def build_const_args(cls, spec_dict):
            d = dict(spec_dict)
            for a, b in (('neurodata_type_inc', 'data_type_inc'), ('neurodata_type_def', 'data_type_def')):
                if a in d:
                    d[b] = d.pop(a)
            return super().build_const_args(d)

    class NWBDatasetSpec(NWB, DatasetSpec):
        pass

    class NWBGroupSpec(NWB, GroupSpec):
        @classmethod
        def dataset_spec_cls(cls):
            return NWBDatasetSpec

    class NWBNamespace(SpecNamespace):
        @classmethod
        def types_key(cls):
            return 'neurodata_types'

    class DictReader(SpecReader):
        def __init__(self, files, source):
            super().__init__(source=source)
            self.files = files

        def read_spec(self, spec_path):
            return json.loads(json.dumps(self.files[spec_path]))

        def read_namespace(self, ns_path):
            return json.loads(json.dumps(self.files[ns_path]['namespaces']))

    catalog = NamespaceCatalog(NWBGroupSpec, NWBDatasetSpec, NWBNamespace)
    if schema is not None:
        for ns in ('hdmf-common', 'core'):
            catalog.load_namespaces('namespace', reader=DictReader(schema[ns]['files'], ns))
    return catalog


def validate_hdmf(path, schema):
    import hdmf
    from hdmf.backends.hdf5 import HDF5IO
    from hdmf.build import BuildManager, TypeMap
    from hdmf.validate import ValidatorMap
    from hdmf.build import GroupBuilder
    catalog = nwb_catalog(schema)
    maps = {ns: ValidatorMap(catalog.get_namespace(ns)) for ns in ('core', 'hdmf-common')}

    def walk(b):
        yield b
        if isinstance(b, GroupBuilder):
            for c in list(b.groups.values()) + list(b.datasets.values()):
                yield from walk(c)
    problems = []
    with HDF5IO(path, mode='r', manager=BuildManager(TypeMap(catalog))) as io:
        # Each typed object on its own: hdmf 3.5 does not descend from the root into typed children of
        # untyped groups (/acquisition, /processing).
        for b in walk(io.read_builder()):
            t, ns = b.attributes.get('neurodata_type'), b.attributes.get('namespace')
            if t is not None and ns in maps:
                try:
                    problems += maps[ns].get_validator(text(t)).validate(b)
                except ValueError as e:
                    problems.append(f'{b.path}: {e}')
    for p in dict.fromkeys(map(str, problems)):
        errors.append(f'hdmf validator: {p}')
    checked.append(f'hdmf {hdmf.__version__} validator against the vendored core {schema["core"]["version"]}: {len(problems)} problem(s)')
    cached = nwb_catalog(None)
    loaded = HDF5IO.load_namespaces(cached, path)
    expect(set(loaded) == set(schema) and 'Units' in cached.get_namespace('core').get_registered_types(), 'hdmf loads the namespaces cached in the file')
    return f'hdmf {hdmf.__version__} validator (vendored NWB core {schema["core"]["version"]}) + nwbinspector CRITICAL checks by hand'


def validate_pynwb(path, run_dir):
    import nwbinspector
    import pynwb
    from nwbinspector import Importance, inspect_nwbfile
    try:
        problems = pynwb.validate(paths=[path])
    except TypeError:
        with pynwb.NWBHDF5IO(path, 'r', load_namespaces=True) as io:
            problems = pynwb.validate(io=io)
    if isinstance(problems, tuple):
        problems = problems[0]
    for p in problems:
        errors.append(f'pynwb validator: {p}')
    for m in inspect_nwbfile(nwbfile_path=path):
        if m.importance == Importance.CRITICAL:
            errors.append(f'nwbinspector CRITICAL: {m.check_function_name} {m.object_name}: {m.message}')
    meta, spec, dt, B, trains, dense = run_data(run_dir)
    with pynwb.NWBHDF5IO(path, 'r', load_namespaces=True) as io:
        nwb = io.read()
        if trains:
            df = nwb.units.to_dataframe()
            got = {(r.population, int(r.instance), int(r.neuron)): np.asarray(r.spike_times) for r in df.itertuples()}
            expect(all(np.array_equal(got[k], np.array(v)) for k, v in trains.items()), 'pynwb reads the spike times back')
        for name, (a, _) in dense.items():
            expect(np.array_equal(np.asarray(nwb.acquisition[name].data[:]).reshape(a.shape), a), f'pynwb reads {name} back')
    return f'pynwb {pynwb.__version__} validator + nwbinspector {nwbinspector.__version__}'


def main():
    path, run_dir, schema_path = sys.argv[1:4]
    schema = json.load(open(schema_path))
    try:
        import nwbinspector  # noqa: F401
        import pynwb  # noqa: F401
        have_pynwb = True
    except ImportError:
        have_pynwb = False
    if have_pynwb:
        validator = validate_pynwb(path, run_dir)
    else:
        validator = validate_hdmf(path, schema)
    try:
        f = check_h5(path, run_dir, schema)
        if not have_pynwb:
            inspector_criticals(f)
            known_types(f, schema)
    except Exception as e:  # a missing object or attribute: the file is not what the export writes
        errors.append(f'cannot read the file back: {e!r}')
    print(json.dumps({'validator': validator, 'errors': errors, 'checked': len(checked)}))
    sys.exit(1 if errors else 0)


if __name__ == '__main__':
    main()
