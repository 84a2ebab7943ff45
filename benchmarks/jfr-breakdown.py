#!/usr/bin/env python3
# Splits the JFR execution samples of a paired run (PAIRED_JVM_ARGS=-XX:StartFlightRecording=...)
# by benchmark side (the workload lambda on the stack) and by where the sample is: the deepest
# MemJCache or spymemcached frame of a known category. Usage: jfr-breakdown.py recording.jfr
import json, sys, collections, subprocess
f = sys.argv[1]
data = json.loads(subprocess.check_output(['jfr', 'print', '--json', '--stack-depth', '96', '--events', 'jdk.ExecutionSample', f]))
sides = {'memj get': 'lambda$cacheGet', 'raw get': 'lambda$rawGet', 'memj put': 'lambda$cachePut', 'raw put': 'lambda$rawPut'}
cats = [
 ('JCache facade + statistics + expiry (MemcachedCache, EntryOperations)', ['EntryOperations.get','EntryOperations.put','MemcachedCache.run']),
 ('key encoding (KeyCodec, item/routing key strings)', ['KeyCodec.', 'Entries.itemKey']),
 ('generation lookup', ['GenerationTracker.']),
 ('server routing: Ketama hash + node (EntryKeyHash, locator)', ['EntryKeyHash.', 'KetamaNodeLocator.', 'MemoizingLocator.', 'MemcachedStore.primary', 'MemcachedStore.nodeFor']),
 ('node health admit', ['NodeHealth.']),
 ('envelope encode/decode', ['EnvelopeCodec.', 'Envelope.', 'Entries.slot']),
 ('item size check', ['ItemSizeLimit.']),
 ('spymemcached op creation + enqueue', ['MemcachedClient.async', 'MemcachedClient.set', 'MemcachedConnection.']),
 ('waiting for the reply (future.get, park/unpark)', ['OperationFuture.get', 'GetFuture.get', 'MemcachedStore.await', 'BenchEnvironment.await']),
]
for side, pat in sides.items():
    n = 0; c = collections.Counter()
    for e in data['recording']['events']:
        st = e['values'].get('stackTrace')
        if not st: continue
        frames = [fr['method']['type']['name'].split('/')[-1] + '.' + fr['method']['name'] for fr in st['frames']]
        if not any(pat in x for x in frames): continue
        n += 1
        # attribute to the deepest matching category (first in leaf-to-root order)
        done = False
        for x in frames:
            for name, keys in cats:
                if any(k in x for k in keys):
                    c[name] += 1; done = True; break
            if done: break
        if not done: c['other (benchmark loop, lambdas)'] += 1
    print(f'== {side}: {n} samples')
    for name, k in c.most_common(): print(f'   {100*k/n:5.1f}%  {k:5d}  {name}')
