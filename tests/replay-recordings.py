#!/usr/bin/env python3
"""Send the requests of recorded Synapse traffic to git synapse emulator and
compare status codes, the headers that matter and the body shapes.

usage: replay-recordings.py <emulator base URL> <token> <recording>...
Prints TAP-like lines "ok/not ok <file>: ..." and exits 1 on a mismatch.

Before a file is replayed, what it assumes exists (artifacts it reads or
acts on before creating them, and artifacts its PUT bodies refer to) is
created; each file gets its own workspace through the Host header. Long-
running operations are polled to their end and compared with the recorded
end. Recorded 5xx answers of the real backend (a private endpoint whose
target does not exist) are not reproducible and are skipped."""
import json, re, sys, urllib.request, urllib.error

base, token = sys.argv[1].rstrip('/'), sys.argv[2]
REF = {'LinkedServiceReference': 'linkedservices', 'DatasetReference': 'datasets',
       'PipelineReference': 'pipelines', 'NotebookReference': 'notebooks',
       'DataFlowReference': 'dataflows', 'SparkJobDefinitionReference': 'sparkJobDefinitions',
       'IntegrationRuntimeReference': 'integrationRuntimes', 'CredentialReference': 'credentials'}
POLL = ('operationresults', 'notebookoperationresults', 'libraryoperationresults')
failures = 0


def send(method, url, host, body=None, headers=None):
    url = base + re.match(r'https?://[^/]+(/.*)', url).group(1)
    req = urllib.request.Request(url, method=method, data=body)
    req.add_header('Host', host)
    req.add_header('Authorization', 'Bearer ' + token)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    if body is not None:
        req.add_header('Content-Type', 'application/json')
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def local(url, host):
    """The recorded URL on the emulator: same path and query."""
    m = re.match(r'https?://[^/]+(/.*)', url)
    return base + m.group(1)


def recorded_body(e):
    b = e.get('ResponseBody')
    if b in (None, '', []):
        return None
    if isinstance(b, str):
        try:
            return json.loads(b)
        except ValueError:
            return b
    return b


def refs(v, out):
    if isinstance(v, dict):
        if isinstance(v.get('referenceName'), str) and v.get('type') in REF:
            out.append((REF[v['type']], v['referenceName']))
        for x in v.values():
            refs(x, out)
    elif isinstance(v, list):
        for x in v:
            refs(x, out)


def item_of(path):
    segs = [s for s in path.split('?')[0].split('/') if s]
    if len(segs) >= 2 and segs[0].lower() not in POLL + ('pipelineruns', 'roleassignments'):
        if segs[0].lower() == 'managedvirtualnetworks':
            return None
        return (segs[0].lower(), segs[1].lower(), segs[0], segs[1])
    return None


def ensure(host, coll, name, body, created):
    key = (coll.lower(), name.lower())
    if key in created:
        return
    created.add(key)
    url = '%s/%s/%s?api-version=2020-12-01' % (base, coll, urllib.request.quote(name))
    st, h, b = send('PUT', url, host, json.dumps(body).encode())
    while st == 202 and 'location' in h:
        st, h, b = send('GET', h['location'], host)
        if st != 202:
            break


def shape_ok(rec, got):
    """Every top-level key of the recorded object is in ours, same kind."""
    if rec is None:
        return got in (None, '') , 'expected an empty body'
    if isinstance(rec, dict):
        if not isinstance(got, dict):
            return False, 'expected a JSON object'
        missing = [k for k in rec if k not in got]
        if missing:
            return False, 'missing keys %s' % missing
        for k in ('value',):
            if k in rec and not isinstance(got.get(k), list):
                return False, '"value" is not a list'
        return True, ''
    return True, ''


def replay(path, idx):
    global failures
    data = json.load(open(path))
    entries = data['Entries']
    name = path.rsplit('/', 1)[-1]
    host0 = re.match(r'https?://([^/]+)', entries[0]['RequestUri']).group(1)
    ws = ('r%d' % idx) + host0.split('.')[0]
    host = ws[:50] + '.dev.azuresynapse.net'
    strips = name.startswith('cli_')

    # what the file assumes exists
    created, first = set(), {}
    for e in entries:
        path_q = re.sub(r'https?://[^/]+', '', e['RequestUri'])
        it = item_of(path_q)
        if it and (it[0], it[1]) not in first:
            first[(it[0], it[1])] = e
    for (coll, nm), e in first.items():
        if e['RequestMethod'] == 'PUT' or e['StatusCode'] >= 300:
            created.add((coll, nm))
    for e in entries:
        if e['RequestUri'].split('?')[0].endswith('/rename'):
            rb = e.get('RequestBody')
            rb = json.loads(rb) if isinstance(rb, str) else rb
            if isinstance(rb, dict) and 'newName' in rb:
                it = item_of(re.sub(r'https?://[^/]+', '', e['RequestUri']))
                created.add((it[0], rb['newName'].lower()))
    for (coll, nm), e in first.items():
        if (coll, nm) in created:
            continue
        body = {'properties': {}}
        for g in entries:
            if g['RequestMethod'] == 'GET' and g['StatusCode'] == 200 and \
               (item_of(re.sub(r'https?://[^/]+', '', g['RequestUri'])) or (0, 0))[:2] == (coll, nm):
                rb = recorded_body(g)
                if isinstance(rb, dict) and 'properties' in rb:
                    body = {'properties': rb['properties']}
                break
        seg = re.sub(r'https?://[^/]+/', '', e['RequestUri']).split('/')
        refs_needed = []
        refs(body, refs_needed)
        for c, n in refs_needed:
            ensure(host, c, n, {'properties': {}}, created)
        ensure(host, seg[0], urllib.request.unquote(seg[1].split('?')[0]), body, created)
    for e in entries:
        if e['RequestMethod'] == 'PUT' and isinstance(e.get('RequestBody'), (dict, str)):
            rb = e['RequestBody']
            if isinstance(rb, str):
                try:
                    rb = json.loads(rb)
                except ValueError:
                    continue
            needed = []
            refs(rb, needed)
            for c, n in needed:
                ensure(host, c, n, {'properties': {}}, created)

    ops, runs, done_ops = {}, {}, set()
    checked = skipped = 0
    for i, e in enumerate(entries):
        url = e['RequestUri']
        for rec_id, our_id in runs.items():
            url = url.replace(rec_id, our_id)
        path_q = re.sub(r'https?://[^/]+', '', url)
        seg0 = path_q.split('?')[0].strip('/').split('/')[0].lower()
        rec_status = e['StatusCode']
        rec_body = recorded_body(e)
        if rec_status >= 500:
            skipped += 1
            continue
        if seg0 in POLL and e['RequestMethod'] == 'GET':
            key = url.split('?')[0].lower()
            if key in done_ops:
                continue
            done_ops.add(key)
            last = [g for g in entries if g['RequestUri'].split('?')[0].lower() == key][-1]
            rec_status, rec_body = last['StatusCode'], recorded_body(last)
            our = ops.get(key)
            if not our:
                print('not ok %s #%d: no operation to poll for %s' % (name, i, url))
                failures += 1
                continue
            st, h, b = send('GET', our, host)
            for _ in range(20):
                if st != 202 or rec_status == 202:
                    break
                st, h, b = send('GET', our, host)
            e = last
        else:
            body = e.get('RequestBody')
            if isinstance(body, (dict, list)):
                body = json.dumps(body).encode()
            elif isinstance(body, str):
                body = body.encode()
            elif e['RequestMethod'] in ('PUT', 'POST'):
                body = b''
            st, h, b = send(e['RequestMethod'], local(url, host), host, body)
            loc = {k.lower(): v for k, v in e.get('ResponseHeaders', {}).items()}.get('location')
            if st == 202 and 'location' in h and loc:
                ops[(loc[0] if isinstance(loc, list) else loc).split('?')[0].lower()] = h['location']
            if isinstance(rec_body, dict) and 'runId' in rec_body and st == 202:
                runs[rec_body['runId']] = json.loads(b)['runId']
        checked += 1
        problems = []
        if st != rec_status:
            problems.append('status %d, recorded %d' % (st, rec_status))
        rh = {k.lower(): v for k, v in e.get('ResponseHeaders', {}).items()}
        if 'location' in rh and st == rec_status and 'location' not in h:
            problems.append('no Location header')
        if 'retry-after' in rh and st == rec_status and 'retry-after' not in h:
            problems.append('no Retry-After header')
        if 'x-ms-request-id' not in h:
            problems.append('no x-ms-request-id')
        try:
            got = json.loads(b) if b else None
        except ValueError:
            got = b.decode(errors='replace')
        if st == rec_status and not isinstance(rec_body, str):
            ok, why = shape_ok(rec_body, got)
            if not ok:
                problems.append(why)
        if problems:
            failures += 1
            print('not ok %s #%d %s %s: %s' % (name, i, e['RequestMethod'], path_q, '; '.join(problems)))
    print('ok %s: %d requests compared, %d skipped' % (name, checked, skipped))


for i, p in enumerate(sys.argv[3:]):
    replay(p, i)
sys.exit(1 if failures else 0)
