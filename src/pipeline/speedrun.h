// `ownchat speedrun`: the whole pipeline from an empty run directory, data -> tokenizer -> pretrain
// -> SFT -> RM -> PPO, DPO, best-of-n -> eval -> report. Each stage is a child process of this
// same binary running exactly the command a user would type; the command is printed first, so a
// speedrun teaches the pipeline. A preset is data: one table of flags per stage (stage_table.cpp).
// Resumable: a stage that exits 0 writes RUN/speedrun/<stage>.done (its command and stdout);
// a rerun skips those stages, and a training stage whose checkpoint exists without a .done was
// interrupted and continues with --resume. It never deletes anything except what --from asks.
#pragma once
#include "pipeline/speedrun_plan.h"

namespace own {

// Runs the plan. InputError when a stage fails (naming it and its command), when it was
// interrupted (say how to resume), or for a bad --from.
void speedrun(const SpeedrunOptions& o);

}  // namespace own
