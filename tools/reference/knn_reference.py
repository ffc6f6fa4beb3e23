#!/usr/bin/python3
"""Golden fixtures for BamOrleans.Core.Evaluation.KnnClassifier.

Regenerate (PyTorch lives at /usr/bin/python3, not the `python3` on PATH):

    /usr/bin/python3 tools/reference/knn_reference.py tests/BamOrleans.Core.Tests/Fixtures/knn

The classifier below is DINO's `knn_classifier` (eval_knn.py), which BAM's evaluation reuses:
L2-normalised features, cosine similarity, top-k neighbours, weights exp(sim / T), class score =
sum of the weights of the neighbours voting for it. Two deliberate differences, both mirrored in
the C# code and documented there:
  * prediction is `argmax` of the class scores (DINO sorts them; the two agree whenever the top
    score is unique, which `check_margins` below enforces for the fixture data);
  * top-5 counts a sample when its true class has a positive score and fewer than 5 classes
    score strictly higher (a tie-free reading of DINO's "true class among the first min(5, k)
    sorted predictions").

The data are small Gaussian clusters, so the k-NN is well above chance but not perfect, and every
fixture is checked to be far from a numerical tie: float32 rounding differences between this
PyTorch and the C# libtorch cannot flip a neighbour set or a prediction.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

# Below these the golden predictions could depend on float32 rounding (similarities of unit
# vectors carry errors of a few 1e-8; relative score errors are of the same order).
MIN_SCORE_MARGIN = 1e-4
MIN_NEIGHBOUR_GAP = 1e-6


def make_data(seed, n_train, n_test, dim, classes, spread):
    """Class centres on the unit sphere scaled by `spread`, plus unit Gaussian noise; float32."""
    g = torch.Generator().manual_seed(seed)
    centres = F.normalize(torch.randn(classes, dim, generator=g), dim=1) * spread

    def draw(n):
        labels = torch.randint(0, classes, (n,), generator=g)
        feats = centres[labels] + torch.randn(n, dim, generator=g)
        return feats.float(), labels

    train_x, train_y = draw(n_train)
    test_x, test_y = draw(n_test)
    return train_x, train_y, test_x, test_y


@torch.no_grad()
def knn_scores(train_x, train_y, test_x, k, t, classes):
    """DINO knn_classifier up to the class scores (one chunk: the data are small)."""
    train_n = F.normalize(train_x, p=2, dim=1)
    test_n = F.normalize(test_x, p=2, dim=1)
    similarity = test_n @ train_n.t()
    # One more than k so check_margins can see how close the (k+1)-th neighbour came.
    distances, indices = similarity.topk(k + 1, dim=1, largest=True, sorted=True)
    neighbour_labels = train_y[indices[:, :k]]
    one_hot = F.one_hot(neighbour_labels, classes).float()  # [n, k, C]
    weights = distances[:, :k].div(t).exp()  # [n, k]
    scores = (one_hot * weights.unsqueeze(2)).sum(1)  # [n, C]
    return scores, distances, indices


def check_margins(scores, distances, indices, train_y, k):
    """Fails if any prediction or neighbour set sits on a near-tie.

    The neighbour gap is only looked at where the k-th and (k+1)-th neighbours vote for different
    classes: swapping two neighbours of the same class changes no score."""
    top2 = scores.topk(2, dim=1).values
    score_margin = ((top2[:, 0] - top2[:, 1]) / top2[:, 0]).min().item()
    gaps = (distances[:, k - 1] - distances[:, k]).abs()
    differ = train_y[indices[:, k - 1]] != train_y[indices[:, k]]
    neighbour_gap = gaps[differ].min().item() if differ.any() else float("inf")
    if score_margin < MIN_SCORE_MARGIN or neighbour_gap < MIN_NEIGHBOUR_GAP:
        raise SystemExit(
            f"near-tie in fixture data (score margin {score_margin:.3g}, neighbour gap "
            f"{neighbour_gap:.3g}); choose another seed")
    return score_margin, neighbour_gap


def top5_correct(scores, labels):
    true_score = scores.gather(1, labels.view(-1, 1))
    higher = (scores > true_score).sum(1)
    return (true_score.squeeze(1) > 0) & (higher < 5)


def as_float32_json(x):
    """Shortest decimal that round-trips each float32 (numpy's repr), so the C# side, parsing a
    double and narrowing it to float, recovers the exact same bits."""
    return [[float(repr(np.float32(v))) for v in row] for row in x.numpy()]


def write_fixture(path, name, seed, n_train, n_test, dim, classes, spread, k, t):
    train_x, train_y, test_x, test_y = make_data(seed, n_train, n_test, dim, classes, spread)
    scores, distances, indices = knn_scores(train_x, train_y, test_x, k, t, classes)
    score_margin, neighbour_gap = check_margins(scores, distances, indices, train_y, k)
    predictions = scores.argmax(1)
    top5 = top5_correct(scores, test_y)
    fixture = {
        "description": f"DINO weighted k-NN golden case '{name}' from tools/reference/knn_reference.py",
        "generator": {"torch": torch.__version__, "seed": seed, "spread": spread},
        "k": k,
        "temperature": t,
        "classCount": classes,
        "dim": dim,
        "trainFeatures": as_float32_json(train_x),
        "trainLabels": train_y.tolist(),
        "testFeatures": as_float32_json(test_x),
        "testLabels": test_y.tolist(),
        "expectedPredictions": predictions.tolist(),
        "expectedTop1": (predictions == test_y).float().mean().item(),
        "expectedTop5": top5.float().mean().item(),
        "minScoreMargin": score_margin,
        "minNeighbourGap": neighbour_gap,
    }
    with open(os.path.join(path, f"{name}.json"), "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")
    print(f"{name}: top1 {fixture['expectedTop1']:.3f} top5 {fixture['expectedTop5']:.3f} "
          f"score margin {score_margin:.3g} neighbour gap {neighbour_gap:.3g}")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/BamOrleans.Core.Tests/Fixtures/knn"
    os.makedirs(out, exist_ok=True)
    # The brief's case: DINO defaults k = 20, T = 0.07 on 5 classes.
    write_fixture(out, "dino_k20_t007", seed=20240611, n_train=500, n_test=200, dim=16,
                  classes=5, spread=1.5, k=20, t=0.07)
    # Other hyper-parameters and more classes than 5, so top-5 is not trivially 100 %.
    write_fixture(out, "k10_t05_c12", seed=7, n_train=600, n_test=150, dim=24,
                  classes=12, spread=2.0, k=10, t=0.5)


if __name__ == "__main__":
    main()
