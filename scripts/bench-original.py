#!/usr/bin/env python3
"""The original project's training, timed per epoch for `npm run bench`.

The original's train.py is not part of its data folder, so this is a re-creation of its training
loop, written for the benchmark from the original's description and data: the same numpy operations
per step as the original's script: numpy float64 vectors, every token fed as a one-hot vector
through w0 (E x V), w1 (E x 2E) and w2 (V x E) with its leaky ramp, and at every position of a line
a forward step and a walk back over all the earlier positions, recomputing each one's forward pass
and taking a plain gradient step (zero weight-decay term included) at each, so a line of n tokens
costs about n^2 / 2 steps. Only the time matters here, not what it learns.
It trains on the first 90% of sentences.txt's lines with the original's wordmap.json.

Usage: bench-original.py SEED_DATA_FOLDER EPOCHS
Prints one line of JSON: the seconds of each epoch and their median.
"""
import json
import re
import sys
import time

import numpy as np


def main():
    folder, epochs = sys.argv[1], int(sys.argv[2])
    with open(f"{folder}/wordmap.json") as f:
        wordmap = json.load(f)
    V = len(wordmap)
    E = 10
    lines = []
    with open(f"{folder}/sentences.txt") as f:
        for text in f:
            rows = [wordmap[w] for w in re.findall(r"[a-z0-9']+|[-.,!?;]", text.lower()) if w in wordmap]
            if rows:
                lines.append([0] + rows + [0])
    train = lines[: len(lines) // 10 * 9]

    rng = np.random.default_rng(0)
    w0 = (rng.random((E, V)) - 0.5) * 0.2
    w1 = (rng.random((E, 2 * E)) - 0.5) * 0.2
    w2 = (rng.random((V, E)) - 0.5) * 0.2
    rate = 0.05

    def onehot(row):
        v = np.zeros(V)
        v[row] = 1
        return v

    def softmax(x):
        e = np.exp(x - x.max())
        return e / e.sum()

    def grow(x):  # the original's leaky ramp and its slope
        return ((x > 0) + (x < 0) * 0.01) * x

    def slope(x):
        return (x > 0) + (x < 0) * 0.01

    l2 = 0.0  # the original kept a weight-decay term, set to zero, in every gradient
    seconds = []
    for _ in range(epochs):
        began = time.perf_counter()
        for tokens in train:
            stack = []
            context = np.zeros(E)
            for i in range(len(tokens) - 1):
                t, target = onehot(tokens[i]), onehot(tokens[i + 1])
                stack.append((t, context))
                z1 = w0 @ t
                h1 = grow(z1)
                joint = np.concatenate((h1, context))
                z2 = w1 @ joint
                h2 = grow(z2)
                p = softmax(w2 @ h2)
                d_out = 2 * (p - target) * p * (1 - p)
                d_z = w2.T @ d_out * slope(z2)
                d_h1 = (w1.T @ d_z)[:E] * slope(z1)
                d_prev = (w1.T @ d_z)[E:] * slope(context)
                w0 -= rate * (np.outer(d_h1, t) + l2 * 2 * w0)
                w1 -= rate * (np.outer(d_z, joint) + l2 * 2 * w1)
                w2 -= rate * (np.outer(d_out, h2) + l2 * 2 * w2)
                for t_p, c_p in stack[::-1]:
                    z1_p = w0 @ t_p
                    h1_p = grow(z1_p)
                    joint_p = np.concatenate((h1_p, c_p))
                    grow(w1 @ joint_p)
                    d_h1 = (w1.T @ d_prev)[:E] * slope(z1_p)
                    d_next = (w1.T @ d_prev)[E:] * slope(c_p)
                    w0 -= rate * (np.outer(d_h1, t_p) + l2 * 2 * w0)
                    w1 -= rate * (np.outer(d_prev, joint_p) + l2 * 2 * w1)
                    w2 -= rate * 0
                    d_prev = d_next
                context = h2
        seconds.append(time.perf_counter() - began)
    ordered = sorted(seconds)
    print(json.dumps({"epochs": epochs, "seconds": seconds, "medianSecondsPerEpoch": ordered[len(ordered) // 2]}))


if __name__ == "__main__":
    main()
