"""PyTorch oracle for the preference-stage losses (reward model, DPO, PPO policy and value).

Reads a checkpoint with a score head (num_labels = 1) and a batch written by the C++ test:
inputs/targets (B, T), last (B) score positions, K (ranking size), beta, ref_logp (B) per row,
old_logp/adv (B, T) per target token, old_value/ret (B, T), clip, value_clip, sft_coef. Writes each loss
and the gradient of every parameter under it, computed by autograd in float64:
  rm     mean over rankings (K consecutive rows, best first) of mean over pairs -logsigmoid(r_i - r_j)
  dpo    mean over pairs (rows 2p chosen, 2p + 1 rejected) of -logsigmoid(beta (dpc - dpr))
  rpo    dpo + sft_coef * mean over pairs of the chosen answer's NLL per token (Pang et al. 2024)
  ppo    mean over target tokens of -min(ratio adv, clip(ratio) adv), ratio = exp(logp - old_logp)
  value  mean over target tokens of 0.5 max((v - ret)^2, (clip(v, old_v +- eps) - ret)^2)
"""
import argparse
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import llama_ref  # noqa: E402
import safetensors_io  # noqa: E402


def token_logp(logits, targets):
    """(B, T) log p(target) where target >= 0, else 0."""
    lp = torch.log_softmax(logits, dim=-1)
    safe = targets.clamp(min=0)
    return torch.where(targets >= 0, lp.gather(-1, safe.unsqueeze(-1)).squeeze(-1), torch.zeros_like(safe, dtype=lp.dtype))


def losses(params, cfg, t):
    logits, h = llama_ref.forward(params, cfg, t["inputs"], return_hidden=True)
    scores = (h @ params["score.weight"].T).squeeze(-1) + cfg.score_bias  # (B, T)
    B = scores.shape[0]
    mask = t["targets"] >= 0
    out = {}
    # reward model
    r = scores[torch.arange(B), t["last"]]
    K = int(t["K"])
    rank_losses = []
    for g in range(B // K):
        rr = r[g * K:(g + 1) * K]
        pl = [-F.logsigmoid(rr[i] - rr[j]) for i in range(K) for j in range(i + 1, K)]
        rank_losses.append(torch.stack(pl).mean())
    out["rm"] = torch.stack(rank_losses).mean()
    # DPO
    seq = token_logp(logits, t["targets"]).sum(-1)  # (B)
    beta = float(t["beta"])
    z = beta * ((seq[0::2] - t["ref_logp"][0::2]) - (seq[1::2] - t["ref_logp"][1::2]))
    out["dpo"] = (-F.logsigmoid(z)).mean()
    chosen_nll = -seq[0::2] / mask[0::2].sum(-1)  # per token of each chosen answer
    out["rpo"] = out["dpo"] + float(t["sft_coef"]) * chosen_nll.mean()
    # PPO policy
    ratio = torch.exp(token_logp(logits, t["targets"]) - t["old_logp"])
    eps = float(t["clip"])
    obj = torch.min(ratio * t["adv"], ratio.clamp(1 - eps, 1 + eps) * t["adv"])
    out["ppo"] = -(obj * mask).sum() / mask.sum()
    # value
    ve = float(t["value_clip"])
    vc = torch.max(torch.min(scores, t["old_value"] + ve), t["old_value"] - ve)
    vl = 0.5 * torch.max((scores - t["ret"]) ** 2, (vc - t["ret"]) ** 2)
    out["value"] = (vl * mask).sum() / mask.sum()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--batch", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    torch.set_num_threads(2)
    cfg, params = llama_ref.load_checkpoint(args.ckpt, torch.float64)
    if cfg.labels != 1:
        raise ValueError("the checkpoint needs a score head (num_labels = 1)")
    raw, _ = safetensors_io.load(args.batch)
    t = {k: (v.long() if k in ("inputs", "targets", "last") else v.double()) for k, v in raw.items()}
    out = {}
    for name in ("rm", "dpo", "rpo", "ppo", "value"):
        for p in params.values():
            p.requires_grad_(True)
            p.grad = None
        loss = losses(params, cfg, t)[name]
        loss.backward()
        out[name + ".loss"] = loss.detach().float().reshape(1)
        for n, p in params.items():
            g = p.grad if p.grad is not None else torch.zeros_like(p)  # e.g. the score head under DPO
            out[name + ".grad." + n] = g.detach().float().clone()
    safetensors_io.save(args.out, out, {})
    print("wrote", args.out)


if __name__ == "__main__":
    main()
