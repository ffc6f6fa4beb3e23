#!/usr/bin/python3
"""Plain PyTorch reference for the BAM objective (Shalam & Korman, "Balanced self-Attention Matching").

This is an independent, single-process re-statement of the objective that the C# code in
src/BamOrleans.Core/Objective implements. It exists for two reasons:
  * to pin the semantics down in the language the method was published in, and
  * to write the golden JSON fixtures the C# tests compare against (--write-fixtures DIR).

Conventions (shared with the C# code):
  B  images per slot, W slots, V views per image (G global first, then L local),
  T  target views. Rows are view-major: row v*B + b. Columns are the first T views of every
  image of the global batch, view-major: column t*(B*W) + w*B + b, K = T*B*W columns.

Runs on CPU with torch 1.13 (use /usr/bin/python3 on the dev machine). No torch.distributed.
"""

import sys

import torch
import torch.nn.functional as F

import fixture_files


# --------------------------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------------------------

def same_image_mask(batch_per_slot, views, slots, slot_index, target_views):
    """Bool [V*B, T*B*W]: True where the column is a view of the row's own image."""
    B, W = batch_per_slot, slots
    mask = torch.zeros(views * B, target_views * B * W, dtype=torch.bool)
    for v in range(views):
        for b in range(B):
            for t in range(target_views):
                mask[v * B + b, t * B * W + slot_index * B + b] = True
    return mask


def most_negative(dtype):
    """Finite stand-in for -inf: 0 * finfo.min is 0, while 0 * -inf would be NaN."""
    return torch.finfo(dtype).min


@torch.no_grad()
def balanced_sinkhorn(similarities, mask, epsilon, iterations, target_views):
    """Balanced self-attention targets for all N rows (N x K, each row sums to 1).

    Columns are scaled to mass 1/(K - T) (T masked entries per column-image are excluded),
    rows to mass 1/N, `iterations` times, then every row is normalized to a distribution.
    Degenerate case K <= T (every column is the row's own image, e.g. B*W = 1): there is no
    other image to attend to, so the targets are all zero (the official code returns NaN here).
    """
    n_rows, k_cols = similarities.shape
    if k_cols <= target_views:
        return torch.zeros_like(similarities)
    a = similarities / epsilon
    a = a.masked_fill(mask, most_negative(a.dtype))
    a = a - a.max()
    q = torch.exp(a)
    q = q / q.sum()
    col_mass = 1.0 / (k_cols - target_views)
    row_mass = 1.0 / n_rows
    for _ in range(iterations):
        q = q * (col_mass / q.sum(dim=0, keepdim=True))
        q = q * (row_mass / q.sum(dim=1, keepdim=True))
    return q / q.sum(dim=1, keepdim=True)


def renormalize_rows(p):
    """Rows scaled to sum 1; all-zero rows (degenerate case) stay zero instead of 0/0."""
    s = p.sum(dim=1, keepdim=True)
    return torch.where(s > 0, p / torch.where(s > 0, s, torch.ones_like(s)), torch.zeros_like(p))


@torch.no_grad()
def keep_top_k(targets, global_views, k):
    """Keep, in every global-view block, the k columns that are largest on the per-image average
    of the G blocks; zero the rest and renormalize each row."""
    blocks = targets.chunk(global_views, dim=0)
    average = torch.stack(blocks).mean(dim=0)
    top = average.topk(k, dim=1).indices
    keep = torch.zeros_like(average).scatter_(1, top, 1.0).repeat(global_views, 1)
    return renormalize_rows(targets * keep)


def prediction_log_probs(similarities, mask, temperature):
    logits = (similarities / temperature).masked_fill(mask, most_negative(similarities.dtype))
    return F.log_softmax(logits, dim=1)


def cross_entropy(targets, log_q, mask, global_views, views, batch):
    """(1/G) sum_t (1/(V-1)) sum_{v != t} -mean_b sum_j P_t[b,j] logQ_v[b,j] (1 - M[b,j])."""
    keep = (~mask[:batch]).to(log_q.dtype)
    loss = 0.0
    for t in range(global_views):
        p_t = targets[t * batch:(t + 1) * batch]
        sub, count = 0.0, 0
        for v in range(views):
            if v == t and views > 1:
                continue
            lq_v = log_q[v * batch:(v + 1) * batch]
            sub = sub - (p_t * lq_v * keep).sum(dim=1).mean()
            count += 1
        loss = loss + sub / count
    return loss / global_views


def bam_loss(z, opts, epsilon, z_teacher=None):
    """Returns (loss, targets[G*B x K]). z: [V*B, D] raw projector output (not normalized)."""
    G, V, T = opts["global_views"], opts["global_views"] + opts["local_views"], opts["target_views"]
    B = z.shape[0] // V
    zs = F.normalize(z, dim=-1, eps=1e-12)
    if z_teacher is None:
        zt = None
        columns = zs[:T * B]
    else:
        zt = F.normalize(z_teacher, dim=-1, eps=1e-12).detach()
        columns = zt[:T * B]
    mask = same_image_mask(B, V, 1, 0, T)
    s_student = zs @ columns.t()
    s_target = s_student if zt is None else zt @ columns.t()
    with torch.no_grad():
        p = balanced_sinkhorn(s_target.detach(), mask, epsilon, opts["sinkhorn_iterations"], T)[:G * B]
        if opts["top_k"] > 0:
            p = keep_top_k(p, G, opts["top_k"])
    log_q = prediction_log_probs(s_student, mask, opts["temperature"])
    return cross_entropy(p, log_q, mask, G, V, B), p


# --------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------

def case(name, batch, dim, local_views=0, target_views=2, top_k=0, teacher=False, epsilon=0.05,
         iterations=3, dtype="float64", collapsed=False):
    return dict(name=name, batch=batch, dim=dim, local_views=local_views, target_views=target_views,
                top_k=top_k, teacher=teacher, epsilon=epsilon, iterations=iterations, dtype=dtype,
                collapsed=collapsed)


CASES = [
    case("b4_d8_v2_t2", 4, 8),
    case("b8_d16_v2_t2_eps0.1", 8, 16, epsilon=0.1),
    case("b16_d32_v2_t2", 16, 32),
    case("b4_d8_v4_t2", 4, 8, local_views=2),
    case("b8_d16_v4_t4", 8, 16, local_views=2, target_views=4),
    case("b4_d8_v2_t2_top3", 4, 8, top_k=3),
    case("b8_d16_v4_t2_top3", 8, 16, local_views=2, top_k=3),
    case("b8_d16_v4_t4_top3_eps0.1", 8, 16, local_views=2, target_views=4, top_k=3, epsilon=0.1),
    case("b8_d16_v2_t2_teacher", 8, 16, teacher=True),
    case("b8_d16_v4_t2_teacher_top3_eps0.1", 8, 16, local_views=2, top_k=3, teacher=True, epsilon=0.1),
    case("b4_d8_v2_t2_iter1", 4, 8, iterations=1),
    case("b1_d8_v2_t2_degenerate", 1, 8),
    case("b4_d8_v2_t2_f32", 4, 8, dtype="float32"),
    case("b16_d32_v4_t2_f32", 16, 32, local_views=2, dtype="float32"),
    case("b8_d16_v4_t4_top3_f32", 8, 16, local_views=2, target_views=4, top_k=3, dtype="float32"),
    case("b8_d16_v4_t2_teacher_eps0.1_f32", 8, 16, local_views=2, teacher=True, epsilon=0.1,
         dtype="float32"),
]


def make_inputs(c, generator):
    """Inputs rounded to 6 decimals so the JSON stays short; both sides parse the same numbers."""
    V = 2 + c["local_views"]
    dtype = torch.float64 if c["dtype"] == "float64" else torch.float32
    shape = (V * c["batch"], c["dim"])

    def draw():
        x = torch.randn(shape, generator=generator, dtype=torch.float64)
        if c["collapsed"]:
            x = x[:1].repeat(shape[0], 1)
        return torch.round(x * 1e6) / 1e6

    z64 = draw()
    z = z64.to(dtype)
    z_teacher = None
    if c["teacher"]:
        z_teacher = (torch.round((z64 + 0.1 * draw()) * 1e6) / 1e6).to(dtype)
    return z, z_teacher


def flat(t):
    """Float list with enough digits to round-trip the tensor's own dtype."""
    if t.dtype == torch.float32:
        return [float("%.9g" % v) for v in t.reshape(-1).tolist()]
    return t.reshape(-1).tolist()


def run_case(c, generator):
    z, z_teacher = make_inputs(c, generator)
    opts = dict(global_views=2, local_views=c["local_views"], target_views=c["target_views"],
                temperature=0.1, sinkhorn_iterations=c["iterations"], top_k=c["top_k"],
                use_ema_teacher=c["teacher"])
    z_in = z.clone().requires_grad_(True)
    loss, targets = bam_loss(z_in, opts, c["epsilon"], z_teacher)
    loss.backward()
    doc = dict(
        name=c["name"], dtype=c["dtype"], epsilon=c["epsilon"], batch=c["batch"], dim=c["dim"],
        options=opts,
        z=dict(shape=list(z.shape), data=flat(z)),
        expected=dict(
            loss=float(loss),
            targets=dict(shape=list(targets.shape), data=flat(targets)),
            grad=dict(shape=list(z_in.grad.shape), data=flat(z_in.grad)),
        ),
    )
    if z_teacher is not None:
        doc["z_teacher"] = dict(shape=list(z_teacher.shape), data=flat(z_teacher))
    return doc


def write_fixtures(directory):
    total = fixture_files.write_cases(directory, CASES, run_case, torch.Generator().manual_seed(20240617))
    print(f"{len(CASES)} fixtures, {total} bytes")


if __name__ == "__main__":
    fixture_files.main(sys.argv[1:], __doc__, write_fixtures)
