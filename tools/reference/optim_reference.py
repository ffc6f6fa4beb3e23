#!/usr/bin/python3
"""Golden fixtures for the C# optimizers in src/BamOrleans.Core/Optim.

Regenerate (from the repository root, with the system Python that has torch 1.13):

    /usr/bin/python3 tools/reference/optim_reference.py --write-fixtures tests/BamOrleans.Core.Tests/Fixtures/optim

One tiny problem, float64: four parameter tensors of fixed values (three in the decay group,
one bias in the no-decay group; one decay tensor starts at zero to exercise LARS's "norm 0 ->
trust ratio 1" branch), fixed gradients for each of 5 steps, and a learning rate and weight
decay that change every step. For each optimizer the fixture records the parameters after
every step.

  * adamw.json       torch.optim.AdamW (betas 0.9/0.999, eps 1e-8), the decay group's
                     weight_decay set per step, the no-decay group's kept at 0.
  * lars.json        LARS (momentum 0.9, eta 0.001) from the plain-Python statement of the
                     formula below; cross-checked here against DINO's torch implementation.
  * lars_eta0.02.json  the same with momentum 0.8, eta 0.02, so the trust ratio moves the
                     parameters by more than the test tolerance would hide.

All input numbers are rounded to 6 decimals so both sides parse identical values.
"""

import argparse
import json
import math
import os

import torch

STEPS = 5
LEARNING_RATES = [0.1, 0.05, 0.2, 0.01, 0.15]
WEIGHT_DECAYS = [0.04, 0.1, 0.0, 0.4, 0.2]

# name, shape, group
PARAMETERS = [
    ("layer.weight", [3, 4], "decay"),
    ("conv.weight", [2, 1, 2, 2], "decay"),
    ("zero.weight", [2, 2], "decay"),
    ("layer.bias", [3], "no_decay"),
]


def rounded(shape, generator, scale=1.0):
    x = torch.randn(shape, generator=generator, dtype=torch.float64) * scale
    return torch.round(x * 1e6) / 1e6


def make_problem():
    generator = torch.Generator().manual_seed(20240601)
    initial = {}
    for name, shape, _ in PARAMETERS:
        initial[name] = torch.zeros(shape, dtype=torch.float64) if name == "zero.weight" else rounded(shape, generator)
    grads = []
    for step in range(STEPS):
        g = {}
        for name, shape, _ in PARAMETERS:
            if name == "zero.weight" and step == 0:
                g[name] = torch.zeros(shape, dtype=torch.float64)  # ||p|| = ||d|| = 0 on step 0
            else:
                g[name] = rounded(shape, generator, scale=0.5)
        grads.append(g)
    return initial, grads


def flat(t):
    return t.reshape(-1).tolist()


# ------------------------------------------------------------------------------------------
# AdamW: torch itself is the reference.
# ------------------------------------------------------------------------------------------

def run_adamw(initial, grads):
    params = {name: initial[name].clone().requires_grad_(True) for name, _, _ in PARAMETERS}
    decay = [params[n] for n, _, g in PARAMETERS if g == "decay"]
    no_decay = [params[n] for n, _, g in PARAMETERS if g == "no_decay"]
    opt = torch.optim.AdamW([{"params": decay}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=0.0, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, foreach=False)
    after = []
    for step in range(STEPS):
        opt.param_groups[0]["lr"] = LEARNING_RATES[step]
        opt.param_groups[0]["weight_decay"] = WEIGHT_DECAYS[step]
        opt.param_groups[1]["lr"] = LEARNING_RATES[step]
        for name, p in params.items():
            p.grad = grads[step][name].clone()
        opt.step()
        after.append({name: flat(p.detach()) for name, p in params.items()})
    return dict(beta1=0.9, beta2=0.999, epsilon=1e-8), after


# ------------------------------------------------------------------------------------------
# LARS: the formula in plain Python (lists of floats), nothing from torch.
#   decay group:    d = g + wd*p ; q = eta*||p||/||d|| (1 if either norm is 0) ; d = q*d
#   no-decay group: d = g
#   all:            mu = momentum*mu + d ; p = p - lr*mu
# ------------------------------------------------------------------------------------------

def norm(values):
    return math.sqrt(sum(v * v for v in values))


def run_lars_plain(initial, grads, momentum, eta):
    params = {name: flat(initial[name]) for name, _, _ in PARAMETERS}
    mu = {name: [0.0] * len(params[name]) for name in params}
    groups = {name: group for name, _, group in PARAMETERS}
    after = []
    for step in range(STEPS):
        lr, wd = LEARNING_RATES[step], WEIGHT_DECAYS[step]
        for name, p in params.items():
            g = flat(grads[step][name])
            if groups[name] == "decay":
                d = [gi + wd * pi for gi, pi in zip(g, p)]
                p_norm, d_norm = norm(p), norm(d)
                q = eta * p_norm / d_norm if p_norm > 0 and d_norm > 0 else 1.0
                d = [q * di for di in d]
            else:
                d = g
            mu[name] = [momentum * m + di for m, di in zip(mu[name], d)]
            params[name] = [pi - lr * m for pi, m in zip(p, mu[name])]
        after.append({name: list(p) for name, p in params.items()})
    return after


def run_lars_dino(initial, grads, momentum, eta):
    """DINO's utils.LARS.step (ndim != 1 filter replaced by the explicit groups), for a cross-check."""
    params = {name: initial[name].clone() for name, _, _ in PARAMETERS}
    mu = {name: torch.zeros_like(p) for name, p in params.items()}
    groups = {name: group for name, _, group in PARAMETERS}
    after = []
    for step in range(STEPS):
        lr, wd = LEARNING_RATES[step], WEIGHT_DECAYS[step]
        for name, p in params.items():
            dp = grads[step][name]
            if groups[name] == "decay":
                dp = dp.add(p, alpha=wd)
                param_norm, update_norm = torch.norm(p), torch.norm(dp)
                one = torch.ones_like(param_norm)
                q = torch.where(param_norm > 0.,
                                torch.where(update_norm > 0, (eta * param_norm / update_norm), one), one)
                dp = dp.mul(q)
            mu[name].mul_(momentum).add_(dp)
            p.add_(mu[name], alpha=-lr)
        after.append({name: flat(p) for name, p in params.items()})
    return after


def run_lars(initial, grads, momentum, eta):
    plain = run_lars_plain(initial, grads, momentum, eta)
    dino = run_lars_dino(initial, grads, momentum, eta)
    for a, b in zip(plain, dino):
        for name in a:
            worst = max(abs(x - y) / max(abs(y), 1e-12) for x, y in zip(a[name], b[name]))
            assert worst < 1e-12, f"plain LARS disagrees with DINO's on {name}: {worst}"
    return dict(momentum=momentum, trust_coefficient=eta), plain


def fixture(optimizer, hyper, initial, grads, after):
    return dict(
        optimizer=optimizer,
        dtype="float64",
        hyper=hyper,
        parameters=[dict(name=n, shape=s, group=g, initial=flat(initial[n])) for n, s, g in PARAMETERS],
        steps=[dict(lr=LEARNING_RATES[i], weight_decay=WEIGHT_DECAYS[i],
                    grads={n: flat(grads[i][n]) for n, _, _ in PARAMETERS},
                    after=after[i]) for i in range(STEPS)],
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write-fixtures", metavar="DIR", required=True)
    args = parser.parse_args()
    os.makedirs(args.write_fixtures, exist_ok=True)
    initial, grads = make_problem()
    cases = {
        "adamw.json": ("adamw", *run_adamw(initial, grads)),
        "lars.json": ("lars", *run_lars(initial, grads, momentum=0.9, eta=0.001)),
        "lars_eta0.02.json": ("lars", *run_lars(initial, grads, momentum=0.8, eta=0.02)),
    }
    for file_name, (optimizer, hyper, after) in cases.items():
        path = os.path.join(args.write_fixtures, file_name)
        with open(path, "w") as f:
            json.dump(fixture(optimizer, hyper, initial, grads, after), f, indent=1)
            f.write("\n")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
