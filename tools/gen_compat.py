#!/usr/bin/python3
"""Writes docs/compatibility.md: every Redis 7.0 command (and subcommand) and every
config directive with petrel's status. Sources:
  docs/data/redis-7.0-commands.txt, docs/data/redis-7.0-directives.txt  (Redis's lists)
  src/cmd/*.def                   (what petrel's command table has)
  src/config/config_table.c       (directives flagged I = implemented)
  NOTES below                     (what is partial, and why)
Run after adding a command or implementing a directive: tools/gen_compat.py
"""
import glob, re

CMD_NOTES = {
    'client|tracking': 'not yet: client-side caching (replies an error)',
    'client|caching': 'not yet: client-side caching',
    'client|getredir': 'partial: always -1 (tracking is off)',
    'client|trackinginfo': 'partial: reports tracking off',
    'command|docs': 'partial: summary/arguments are not filled (shape only)',
    'debug': 'partial: RELOAD/LOADAOF/RESTART not yet (no persistence)',
    'info': 'partial: replication/persistence fields are static until those features land',
    'sort': 'partial: ALPHA compares bytes (Redis: strcoll of the start-up locale); a listpack zset keeps its encoding',
    'sort_ro': 'partial: as SORT',
    'function|load': 'not yet: scripting (replies an error)',
    'function|delete': 'not yet: scripting',
    'function|restore': 'not yet: scripting',
    'function|kill': 'partial: no function can run',
    'function|list': 'partial: the library set is always empty',
    'function|stats': 'partial: the library set is always empty',
    'function|dump': 'partial: the library set is always empty',
    'function|flush': 'partial: the library set is always empty',
    'eval': 'not yet: scripting (replies an error)',
    'eval_ro': 'not yet: scripting (replies an error)',
    'evalsha': 'not yet: scripting (NOSCRIPT)',
    'evalsha_ro': 'not yet: scripting (NOSCRIPT)',
    'fcall': 'not yet: scripting (function not found)',
    'fcall_ro': 'not yet: scripting (function not found)',
    'script|load': 'not yet: scripting',
    'script|debug': 'not yet: scripting',
    'latency|doctor': 'partial: shorter text',
    'latency|graph': 'partial: simplified',
    'latency|histogram': 'partial: call counts, empty histograms',
    'shutdown': 'partial: SAVE/NOSAVE make no difference until RDB lands',
    'lastsave': 'partial: start-up time until RDB lands',
    'role': 'partial: always a master with no replicas (replication not yet)',
    'wait': 'partial: no replicas yet, so 0 acknowledgements (blocks until the timeout as Redis would)',
    'readonly': 'partial: cluster mode not yet (the cluster-disabled error, as Redis without cluster-enabled)',
    'readwrite': 'partial: cluster mode not yet (the cluster-disabled error, as Redis without cluster-enabled)',
    'asking': 'partial: cluster mode not yet (the cluster-disabled error, as Redis without cluster-enabled)',
}

DIR_NOTES = {
    'threads': 'petrel-only: shard threads (default: online CPUs)',
    'enable-debug-command': 'full',
}


def table_commands():
    names = set()
    for f in glob.glob('src/cmd/*.def'):
        for line in open(f):
            m = re.match(r'^CMD\("([a-z_|-]+)"', line)
            if m:
                names.add(m.group(1))
    return names


def implemented_directives():
    src = open('src/config/config_table.c').read()
    out = set()
    for m in re.finditer(r'\b[A-Z]+\("([a-z0-9-]+)",\s*("[a-z0-9-]+"|NULL),\s*([^,]*),', src):
        if re.search(r'\bI\b', m.group(3)):
            out.add(m.group(1))
            if m.group(2) != 'NULL':
                out.add(m.group(2).strip('"'))   # the alias acts the same
    for m in re.finditer(r'\.name = "([a-z0-9-]+)", \.flags = ([^,]*),', src):
        if re.search(r'\bI\b', m.group(2)):
            out.add(m.group(1))
    return out


def read_list(path):
    return [l.strip() for l in open(path) if l.strip() and not l.startswith('#')]


def main():
    have = table_commands()
    redis_cmds = read_list('docs/data/redis-7.0-commands.txt')
    impl_dirs = implemented_directives()
    redis_dirs = read_list('docs/data/redis-7.0-directives.txt')
    rows, counts = [], {'full': 0, 'partial': 0, 'not yet': 0}
    for c in redis_cmds:
        note = CMD_NOTES.get(c)
        if c in have:
            status = note if note else 'full'
        else:
            status = 'not yet'
        key = status.split(':')[0]
        counts[key if key in counts else 'partial'] += 1
        rows.append(f'| `{c.upper()}` | {status} |')
    extra = sorted(have - set(redis_cmds))
    drows, dcounts = [], {'full': 0, 'accepted': 0}
    for d in sorted(set(redis_dirs) | {'threads'}):
        if d in impl_dirs or d == 'threads':
            st = DIR_NOTES.get(d, 'full')
            dcounts['full'] += 1
        else:
            st = 'accepted, not yet acted on (one warning line at start-up)'
            dcounts['accepted'] += 1
        drows.append(f'| `{d}` | {st} |')
    with open('docs/compatibility.md', 'w') as f:
        f.write('# Compatibility with Redis 7.0\n\n'
                'Generated by `tools/gen_compat.py` from the command table and the config table;\n'
                'regenerate it in the same commit as the code. "full" means the replies and error\n'
                'texts are Redis 7.0.15\'s (checked against Debian\'s redis-server by the integration\n'
                'tests); "partial" says what is missing; "not yet" means `ERR unknown command`.\n\n')
        f.write(f'Commands: {counts["full"]} full, {counts["partial"]} partial, '
                f'{counts["not yet"]} not yet (of {len(redis_cmds)} commands and subcommands).\n\n')
        f.write('## Commands\n\n| command | status |\n|---|---|\n' + '\n'.join(rows) + '\n')
        if extra:
            f.write('\nBeyond Redis 7.0: ' + ', '.join(f'`{e.upper()}`' for e in extra) +
                    ' (7.2 additions).\n')
        f.write(f'\n## Config directives\n\n{dcounts["full"]} acted on, {dcounts["accepted"]} accepted '
                'without effect yet. Every Redis 7.0 directive parses (same syntax, units and\n'
                'errors as redis-server), CONFIG GET returns it, CONFIG SET/REWRITE handle it.\n\n'
                '| directive | status |\n|---|---|\n' + '\n'.join(drows) + '\n')


if __name__ == '__main__':
    main()
