#!/usr/bin/python3
"""Plain PyTorch reference for the SwAV objective (Caron et al., NeurIPS 2020, "Unsupervised
Learning of Visual Features by Contrasting Cluster Assignments").

An independent, single-process re-statement of the loss of the official code
(facebookresearch/swav, main_swav.py: distributed_sinkhorn and the swapped-prediction loop in
train), written from its semantics. The C# code in src/BamOrleans.Core/Objectives/Swav implements
the same math; this script writes the golden JSON fixtures its tests compare against
(--write-fixtures DIR).

Conventions (shared with the C# code):
  B images, V views per image (G global first, then L local), K prototypes, D embedding size.
  z [V*B, D] are the L2-normalised embeddings, view-major (row v*B + b); P [K, D] the
  L2-normalised prototypes; scores = z @ P.T. Codes are computed for the G global views
  (official crops_for_assign = [0, 1] for G = 2). An optional queue holds, per assignment view,
  Q past embeddings (newest first) that are scored against the current P and put before the
  batch rows for Sinkhorn only; the batch's codes are the last B rows (official [-bs:]).

Runs on CPU with torch 1.13 (use /usr/bin/python3 on the dev machine). No torch.distributed: a
single process holding every row is what the official all_reduce sums amount to (checked by
self_check below on a simulated split).
"""

import sys

import torch
import torch.nn.functional as F

import fixture_files


# --------------------------------------------------------------------------------------------
# The objective
# --------------------------------------------------------------------------------------------

@torch.no_grad()
def sinkhorn_codes(scores, epsilon, iterations):
    """Codes [N, K] for scores [N, K] (rows = samples), each row a distribution.

    Works on the prototype-by-sample matrix exp(scores / eps) transposed: scaled to total 1,
    then `iterations` rounds of giving every prototype mass 1/K and every sample mass 1/N;
    finally scaled by N so each sample's code sums to 1. Plain (non-log) form, as published.
    """
    plan = torch.exp(scores / epsilon).t()
    prototypes, samples = plan.shape
    plan = plan / plan.sum()
    for _ in range(iterations):
        plan = plan / plan.sum(dim=1, keepdim=True) / prototypes
        plan = plan / plan.sum(dim=0, keepdim=True) / samples
    return (plan * samples).t()


@torch.no_grad()
def sinkhorn_codes_split(chunks, epsilon, iterations):
    """The same codes computed the way W processes would: each holds some sample rows, and the
    totals the official code all-reduces (grand total, per-prototype sums) are summed over the
    chunks. Used only to check that one process holding all rows is the distributed result."""
    plans = [torch.exp(c / epsilon).t() for c in chunks]
    prototypes = plans[0].shape[0]
    samples = sum(p.shape[1] for p in plans)
    total = sum(p.sum() for p in plans)
    plans = [p / total for p in plans]
    for _ in range(iterations):
        per_prototype = sum(p.sum(dim=1, keepdim=True) for p in plans)
        plans = [p / per_prototype / prototypes for p in plans]
        plans = [p / p.sum(dim=0, keepdim=True) / samples for p in plans]
    return torch.cat([(p * samples).t() for p in plans])


def swapped_prediction_loss(scores, codes, views, temperature):
    """(1/A) sum_a (1/(V-1)) sum_{v != a} -mean_b sum_k codes[a][b,k] log_softmax(scores_v/tau)[b,k]."""
    batch = scores.shape[0] // views
    log_p = F.log_softmax(scores / temperature, dim=1)
    loss = 0.0
    for a, code in enumerate(codes):
        sub = 0.0
        for v in range(views):
            if v != a:
                sub = sub - (code * log_p[v * batch:(v + 1) * batch]).sum(dim=1).mean()
        loss = loss + sub / (views - 1)
    return loss / len(codes)


def swav_loss(z, prototypes, opts, queue=None):
    """Returns (loss, codes per assignment view [B, K]); z and prototypes may require grad."""
    views = opts["global_views"] + opts["local_views"]
    batch = z.shape[0] // views
    scores = z @ prototypes.t()
    codes = []
    for a in range(opts["global_views"]):
        with torch.no_grad():
            rows = scores[a * batch:(a + 1) * batch].detach()
            if queue is not None:
                rows = torch.cat((queue[a] @ prototypes.detach().t(), rows))
            codes.append(sinkhorn_codes(rows, opts["epsilon"], opts["sinkhorn_iterations"])[-batch:])
    return swapped_prediction_loss(scores, codes, views, opts["temperature"]), codes


# --------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------

def case(name, batch, prototypes, dim, global_views=2, local_views=0, epsilon=0.05, iterations=3,
         temperature=0.1, queue=0, dtype="float64"):
    return dict(name=name, batch=batch, prototypes=prototypes, dim=dim, global_views=global_views,
                local_views=local_views, epsilon=epsilon, iterations=iterations,
                temperature=temperature, queue=queue, dtype=dtype)


CASES = [
    case("b4_k8_d8_v2", 4, 8, 8),
    case("b8_k16_d16_v2_eps0.03", 8, 16, 16, epsilon=0.03),
    case("b16_k32_d32_v2", 16, 32, 32),
    case("b8_k16_d16_v6_multicrop", 8, 16, 16, local_views=4),
    case("b4_k8_d8_v2_iter1", 4, 8, 8, iterations=1),
    case("b8_k16_d16_v4_queue16", 8, 16, 16, local_views=2, queue=16),
    case("b4_k12_d8_v5_g3_tau0.2", 4, 12, 8, global_views=3, local_views=2, temperature=0.2),
    case("b2_k32_d16_v2_more_prototypes_than_samples", 2, 32, 16),
    case("b4_k8_d8_v2_f32", 4, 8, 8, dtype="float32"),
    case("b16_k32_d32_v6_multicrop_f32", 16, 32, 32, local_views=4, dtype="float32"),
    case("b8_k16_d16_v4_queue24_eps0.03_iter1_f32", 8, 16, 16, local_views=2, queue=24,
         epsilon=0.03, iterations=1, dtype="float32"),
]


def unit_rows(shape, generator):
    """Random rows scaled to unit norm in float64, then rounded to 6 decimals to keep the JSON
    short (norms stay within ~1e-6 of 1; both sides parse the same numbers)."""
    x = F.normalize(torch.randn(shape, generator=generator, dtype=torch.float64), dim=1)
    return torch.round(x * 1e6) / 1e6


def flat(t):
    """Float list with enough digits to round-trip the tensor's own dtype."""
    if t.dtype == torch.float32:
        return [float("%.9g" % v) for v in t.reshape(-1).tolist()]
    return t.reshape(-1).tolist()


def matrix(t):
    return dict(shape=list(t.shape), data=flat(t))


def run_case(c, generator):
    dtype = torch.float64 if c["dtype"] == "float64" else torch.float32
    views = c["global_views"] + c["local_views"]
    z = unit_rows((views * c["batch"], c["dim"]), generator).to(dtype)
    prototypes = unit_rows((c["prototypes"], c["dim"]), generator).to(dtype)
    queue = None
    if c["queue"]:
        queue = [unit_rows((c["queue"], c["dim"]), generator).to(dtype) for _ in range(c["global_views"])]
    opts = dict(global_views=c["global_views"], local_views=c["local_views"],
                prototypes=c["prototypes"], epsilon=c["epsilon"],
                sinkhorn_iterations=c["iterations"], temperature=c["temperature"],
                queue_length=c["queue"])
    z_in = z.clone().requires_grad_(True)
    p_in = prototypes.clone().requires_grad_(True)
    loss, codes = swav_loss(z_in, p_in, opts, queue)
    loss.backward()
    for code in codes:
        assert torch.allclose(code.sum(dim=1), torch.ones((), dtype=dtype), atol=1e-5), c["name"]
    doc = dict(
        name=c["name"], dtype=c["dtype"], batch=c["batch"], options=opts,
        z=matrix(z), prototypes=matrix(prototypes),
        expected=dict(
            loss=float(loss),
            codes=[matrix(code) for code in codes],
            grad_z=matrix(z_in.grad),
            grad_prototypes=matrix(p_in.grad),
        ),
    )
    if queue is not None:
        doc["queue"] = [matrix(rows) for rows in queue]
    return doc


def self_check():
    """One process holding all rows gives the codes the official all-reduced Sinkhorn gives on
    any split of the rows over processes."""
    generator = torch.Generator().manual_seed(7)
    scores = unit_rows((24, 16), generator) @ unit_rows((10, 16), generator).t()
    whole = sinkhorn_codes(scores, 0.05, 3)
    for parts in (2, 3, 4):
        split = sinkhorn_codes_split(scores.chunk(parts), 0.05, 3)
        assert torch.allclose(whole, split, rtol=0, atol=1e-12), f"split over {parts} differs"
    print("self-check: single-process Sinkhorn equals the all-reduced one on 2, 3 and 4 chunks")


def write_fixtures(directory):
    self_check()
    total = fixture_files.write_cases(directory, CASES, run_case, torch.Generator().manual_seed(20240618))
    print(f"{len(CASES)} fixtures, {total} bytes")


if __name__ == "__main__":
    fixture_files.main(sys.argv[1:], __doc__, write_fixtures)
