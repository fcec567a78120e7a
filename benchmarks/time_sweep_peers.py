#!/usr/bin/python3
"""Times the peers' λ-sweep workloads only: path100 and cv5x100 (scikit-learn lasso_path / LassoCV and, unless
--sklearn-only, glmnet / cv.glmnet) of shared/peers/time_peers.py, run by its own main().

    time_sweep_peers.py PEERS_COPY SETS LABEL [--sklearn-only]

PEERS_COPY is a copy of shared/peers (time_peers.py writes results/timings_LABEL.json next to itself). Its main()
always times the batch sets first and then both sweep data sets; this driver compiles it with two changes to
main() and none elsewhere: the batch loop is left out, and the sweep loop runs over the data sets named in SETS
(comma-separated: diabetes_442x10, synth_2000x500) in its own order. Its wait for an idle machine is skipped
(this machine is shared by other engineers): contention is reported per row (busy / foreign cores) instead.
"""
import ast
import os
import sys
import types

peers, sets, label, *flags = sys.argv[1:]
path = os.path.join(peers, "time_peers.py")
tree = ast.parse(open(path).read(), path)
main = next(node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "main")
loops = [node for node in main.body if isinstance(node, ast.For)]
batches = [loop for loop in loops if ast.unparse(loop.iter) == "args.sets.split(',')"]
sweeps = [loop for loop in loops if ast.unparse(loop.target) == "(dname, X, y)" and isinstance(loop.iter, ast.Tuple)]
if len(batches) != 1 or len(sweeps) != 1:
    sys.exit(f"{path}: main() no longer has one batch-set loop and one sweep loop over a tuple; update {__file__}")
known = [ast.literal_eval(entry.elts[0]) for entry in sweeps[0].iter.elts]
chosen = sets.split(",")
if not chosen or set(chosen) - set(known):
    sys.exit(f"SETS={sets}: choose among {','.join(known)}")
main.body.remove(batches[0])
sweeps[0].iter.elts = [entry for entry, name in zip(sweeps[0].iter.elts, known) if name in chosen]

module = types.ModuleType("time_peers")
module.__file__ = path
sys.modules["time_peers"] = module
exec(compile(ast.fix_missing_locations(tree), path, "exec"), module.__dict__)
module.wait_quiet = lambda *args, **kwargs: 0.0
sys.argv = [path, "--label", label] + flags
module.main()
