#!/usr/bin/python3
"""Plain PyTorch reference for the PIRL objective (Misra & van der Maaten, "Self-Supervised Learning
of Pretext-Invariant Representations", CVPR 2020), as src/BamOrleans.Core/Objectives/Pirl states it.

An independent, single-process re-statement that
  * writes the NCE exactly as the paper does (h = P / (P + N*P_n), P = exp(s/tau)/Z, P_n = 1/|D|),
    with the probabilities themselves, while the C# code works in log space: the two agreeing is
    the check, and
  * writes the golden JSON fixtures the C# tests compare against (--write-fixtures DIR), plus one
    fixture pinning the counter random streams (negative indices, initial bank rows).

Conventions (shared with the C# code):
  f, g   [B, D] projector outputs of view 0 (v_I) and view 1 (v_I^t), normalised inside.
  memory [B, D] bank rows m_I of the same images (the positives), used as given, no gradient.
  neg    [N, D] bank rows drawn for this step, shared by every query, used as given, no gradient.
  Z      estimated per query from its own negatives, Z = |D| * mean_j exp(s_j/tau), a constant.
  loss   lambda * NCE(g) + (1 - lambda) * NCE(f); bank update normalize(mu*m + (1-mu)*normalize(f)).

Runs on CPU with torch 1.13 (use /usr/bin/python3 on the dev machine). No torch.distributed.
"""

import math
import os
import sys

import torch
import torch.nn.functional as F

import fixture_files

# |D| of Fashion-MNIST. It cancels out of the loss; using a real value keeps the literal form honest.
DATASET_SIZE = 60000


# --------------------------------------------------------------------------------------------
# The objective
# --------------------------------------------------------------------------------------------

def nce(queries, positives, negatives, tau, dataset_size=DATASET_SIZE):
    """Mean over queries of -log h(pos) - sum_j log(1 - h(neg_j)), the paper's eq. 3 literally."""
    q = F.normalize(queries, dim=1, eps=1e-12)
    pos, neg = positives.detach(), negatives.detach()
    n = neg.shape[0]
    e_pos = torch.exp((q * pos).sum(dim=1) / tau)            # [B]
    e_neg = torch.exp(q @ neg.t() / tau)                     # [B, N]
    z = (dataset_size * e_neg.mean(dim=1)).detach()          # per-query partition estimate
    noise = n / dataset_size                                 # N * P_n
    p_pos, p_neg = e_pos / z, e_neg / z[:, None]
    h_pos = p_pos / (p_pos + noise)
    h_neg = p_neg / (p_neg + noise)
    return (-torch.log(h_pos) - torch.log1p(-h_neg).sum(dim=1)).mean()


def nce_log_space(queries, positives, negatives, tau):
    """The same quantity in log space (what the C# code computes); used here only as a self-check."""
    q = F.normalize(queries, dim=1, eps=1e-12)
    s_pos = (q * positives.detach()).sum(dim=1) / tau
    s_neg = q @ negatives.detach().t() / tau
    lse = torch.logsumexp(s_neg, dim=1).detach()
    return (F.softplus(lse - s_pos) + F.softplus(s_neg - lse[:, None]).sum(dim=1)).mean()


def pirl_loss(f, g, memory, negatives, lam, tau):
    """Eq. 5: lambda on the transformed view's term."""
    return lam * nce(g, memory, negatives, tau) + (1 - lam) * nce(f, memory, negatives, tau)


@torch.no_grad()
def updated_memory(memory, f, momentum):
    mixed = momentum * memory + (1 - momentum) * F.normalize(f, dim=1, eps=1e-12)
    return F.normalize(mixed, dim=1, eps=1e-12)


# --------------------------------------------------------------------------------------------
# Counter random streams (SplitMix64), the same derivation as PirlMath's
# --------------------------------------------------------------------------------------------

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
NEGATIVES_TAG = 0x5049524C4E454700  # "PIRLNEG"
MEMORY_TAG = 0x5049524C4D454D00     # "PIRLMEM"


def mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def absorb(state, value):
    return mix(state ^ mix((value + GOLDEN) & MASK))


def key(seed, tag, counter):
    return absorb(absorb(absorb(GOLDEN, seed & MASK), tag), counter & MASK)


class SplitMix64:
    def __init__(self, state):
        self.state = state

    def next(self):
        self.state = (self.state + GOLDEN) & MASK
        return mix(self.state)

    def next_below(self, bound):
        limit = MASK - MASK % bound
        while True:
            x = self.next()
            if x < limit:
                return x % bound


def sample_negatives(seed, step, dataset_size, count):
    rng = SplitMix64(key(seed, NEGATIVES_TAG, step))
    return [rng.next_below(dataset_size) for _ in range(count)]


def initial_memory_row(seed, index, width):
    """Box-Muller Gaussian, normalised in double; returned as doubles (the C# side rounds to float)."""
    rng = SplitMix64(key(seed, MEMORY_TAG, index))
    values = []
    while len(values) < width:
        u1 = ((rng.next() >> 11) + 1) * (1.0 / (1 << 53))
        u2 = (rng.next() >> 11) * (1.0 / (1 << 53))
        radius = math.sqrt(-2.0 * math.log(u1))
        values.append(radius * math.cos(2 * math.pi * u2))
        values.append(radius * math.sin(2 * math.pi * u2))
    values = values[:width]
    norm = math.sqrt(sum(v * v for v in values))
    return [v / norm for v in values]


# --------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------

def case(name, batch, dim, negatives, lam=0.5, tau=0.07, momentum=0.5, dtype="float64"):
    return dict(name=name, batch=batch, dim=dim, negatives=negatives, lam=lam, tau=tau,
                momentum=momentum, dtype=dtype)


CASES = [
    case("b4_d8_n16", 4, 8, 16),
    case("b8_d16_n64", 8, 16, 64),
    case("b16_d32_n256", 16, 32, 256),
    case("b8_d16_n64_lam0.25", 8, 16, 64, lam=0.25),
    case("b8_d16_n64_tau0.2", 8, 16, 64, tau=0.2),
    case("b8_d16_n64_lam1_tau0.5_mu0.9", 8, 16, 64, lam=1.0, tau=0.5, momentum=0.9),
    case("b1_d8_n4", 1, 8, 4),
    case("b8_d16_n1_mu0", 8, 16, 1, momentum=0.0),
    case("b4_d8_n16_f32", 4, 8, 16, dtype="float32"),
    case("b16_d32_n256_f32", 16, 32, 256, dtype="float32"),
    case("b8_d16_n64_lam0.75_tau0.2_f32", 8, 16, 64, lam=0.75, tau=0.2, dtype="float32"),
    case("b8_d16_n1024_f32", 8, 16, 1024, dtype="float32"),
]


def rounded(x):
    """6 decimals keep the JSON short; both sides parse the same numbers."""
    return torch.round(x * 1e6) / 1e6


def make_inputs(c, generator):
    """f, g raw (not unit) so the normalisation is exercised; memory rows near f's direction, as a
    trained bank's are; negatives random unit rows."""
    dtype = torch.float64 if c["dtype"] == "float64" else torch.float32
    B, D, N = c["batch"], c["dim"], c["negatives"]

    def randn(*shape):
        return torch.randn(shape, generator=generator, dtype=torch.float64)

    f = 2.0 * randn(B, D)
    g = f + 1.5 * randn(B, D)
    memory = F.normalize(F.normalize(f, dim=1) + 0.8 * randn(B, D) / math.sqrt(D), dim=1)
    negatives = F.normalize(randn(N, D), dim=1)
    return [rounded(t).to(dtype) for t in (f, g, memory, negatives)]


def flat(t):
    """Float list with enough digits to round-trip the tensor's own dtype."""
    if t.dtype == torch.float32:
        return [float("%.9g" % v) for v in t.reshape(-1).tolist()]
    return t.reshape(-1).tolist()


def tensor_doc(t):
    return dict(shape=list(t.shape), data=flat(t))


def run_case(c, generator):
    f, g, memory, negatives = make_inputs(c, generator)
    f_in, g_in = f.clone().requires_grad_(True), g.clone().requires_grad_(True)
    loss = pirl_loss(f_in, g_in, memory, negatives, c["lam"], c["tau"])
    loss.backward()
    if f.dtype == torch.float64:
        check = c["lam"] * nce_log_space(g, memory, negatives, c["tau"]) \
            + (1 - c["lam"]) * nce_log_space(f, memory, negatives, c["tau"])
        assert abs(float(check) - float(loss)) <= 1e-12 * abs(float(loss)), (c["name"], float(check), float(loss))
    options = dict(negatives=c["negatives"], temperature=c["tau"], lambda_=c["lam"], memory_momentum=c["momentum"])
    options["lambda"] = options.pop("lambda_")
    return dict(
        name=c["name"], dtype=c["dtype"], batch=c["batch"], dim=c["dim"], options=options,
        f=tensor_doc(f), g=tensor_doc(g), memory=tensor_doc(memory), negatives=tensor_doc(negatives),
        expected=dict(
            loss=float(loss),
            grad_f=tensor_doc(f_in.grad),
            grad_g=tensor_doc(g_in.grad),
            updated_memory=tensor_doc(updated_memory(memory, f, c["momentum"])),
        ),
    )


RNG_SAMPLES = [
    dict(seed=0, step=0, dataset_size=60000, count=32),
    dict(seed=0, step=1, dataset_size=60000, count=32),
    dict(seed=12345, step=987654321, dataset_size=60000, count=32),
    dict(seed=-7, step=3, dataset_size=7, count=64),
]
RNG_ROWS = [
    dict(seed=0, index=0, width=8),
    dict(seed=0, index=59999, width=8),
    dict(seed=42, index=17, width=7),
    dict(seed=-7, index=3, width=128),
]


def rng_doc():
    negatives = [dict(s, indices=sample_negatives(s["seed"], s["step"], s["dataset_size"], s["count"]))
                 for s in RNG_SAMPLES]
    rows = [dict(r, row=initial_memory_row(r["seed"], r["index"], r["width"])) for r in RNG_ROWS]
    return dict(negatives=negatives, rows=rows)


def write_fixtures(directory):
    total = fixture_files.write_cases(directory, CASES, run_case, torch.Generator().manual_seed(20240618))
    rng_dir = os.path.join(directory, "rng")
    os.makedirs(rng_dir, exist_ok=True)
    total += fixture_files.write_json(os.path.join(rng_dir, "counter_streams.json"), rng_doc())
    print(f"{len(CASES)} loss fixtures + rng/counter_streams.json, {total} bytes")


if __name__ == "__main__":
    fixture_files.main(sys.argv[1:], __doc__, write_fixtures)
