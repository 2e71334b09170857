#!/usr/bin/env python3
"""Lists the C++ functions longer than a limit, and fails when there is one.

    scripts/check_function_length.py [--limit 80] [--skip DIR ...] PATH ...

PATH is a source file or a folder (its .h and .cpp files, recursively). Functions are found by
brace structure with comments and literals stripped: a brace opens a function body when the text
before it (since the last ; { or }) holds a ')' or a constructor's init list and it is not inside
another function; lambdas count toward the function they are in. A heuristic, tuned to this
project's formatting, not a C++ parser."""
import argparse, re, sys, pathlib

def strip(text):
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith('//', i):
            j = text.find('\n', i); j = n if j < 0 else j; i = j; continue
        if text.startswith('/*', i):
            j = text.find('*/', i + 2); j = n if j < 0 else j + 2
            out.append('\n' * text.count('\n', i, j)); i = j; continue
        m = re.match(r'R"([^(]*)\(', text[i:i+40]) if c == 'R' and (i == 0 or not (text[i-1].isalnum() or text[i-1]=='_')) else None
        if m:
            end = ')' + m.group(1) + '"'; j = text.find(end, i + m.end()); j = n if j < 0 else j + len(end)
            out.append('""' + '\n' * text.count('\n', i, j)); i = j; continue
        if c in '"\'':
            if c == "'" and i > 0 and text[i-1].isalnum() and i + 1 < n and text[i+1].isalnum():
                out.append(c); i += 1; continue  # digit separator 1'000
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            out.append(c + c); i = j + 1; continue
        out.append(c); i += 1
    return ''.join(out)

def functions(path):
    text = strip(pathlib.Path(path).read_text())
    stack, prev, line = [], 0, 1   # stack of (kind, start_line, name)
    seg_start = 0
    for i, c in enumerate(text):
        if c == '\n': line += 1
        if c in ';':
            seg_start = i + 1
        elif c == '{':
            seg = text[seg_start:i]
            inside_fn = any(k == 'fn' for k, _, _ in stack)
            s = ' '.join(seg.split())
            if inside_fn: kind = 'x'
            elif re.search(r'\bnamespace\b|extern "', s): kind = 'ns'
            elif re.search(r'\b(class|struct|union|enum)\b', s) and '(' not in s.split('{')[0].split(':')[0]: kind = 'cls'
            elif ')' in s or re.search(r'\)\s*:', s) or re.search(r':\s*\w+[({]', s): kind = 'fn'
            else: kind = 'x'
            name = s[-90:]
            stack.append((kind, line, name)); seg_start = i + 1
        elif c == '}':
            if stack:
                kind, start, name = stack.pop()
                if kind == 'fn': yield line - start + 1, start, name
            seg_start = i + 1

def sources(paths, skip):
    skip = [pathlib.Path(d).resolve() for d in skip]
    for p in map(pathlib.Path, paths):
        files = sorted(q for q in p.rglob('*') if q.suffix in ('.h', '.cpp')) if p.is_dir() else [p]
        for f in files:
            if not any(d in f.resolve().parents for d in skip):
                yield f

ap = argparse.ArgumentParser(description='C++ functions longer than a limit')
ap.add_argument('--limit', type=int, default=80)
ap.add_argument('--skip', action='append', default=[], help='a folder to leave out')
ap.add_argument('paths', nargs='+')
args = ap.parse_args()
bad = 0
for f in sources(args.paths, args.skip):
    for n, start, name in functions(f):
        if n > args.limit:
            print(f'{f}:{start}: {n} lines (limit {args.limit}): {name}')
            bad += 1
sys.exit(1 if bad else 0)
