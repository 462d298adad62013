//! One thread's share of the Monte Carlo: design points to scenarios, ranks, and rank counts.

use crate::model::{Scenario, Scratch};
use crate::sobol::Design;
use crate::tally::PositionTally;
use crate::uncertainty::{set_scenario, weight_factor, Evaluator, Input, Options};

/// One thread's state in the Monte Carlo: its buffers and its rank counts, kept across the
/// chunks it runs (no per-chunk histogram to allocate and merge).
pub(crate) struct Worker<'a> {
    eval: &'a Evaluator<'a>,
    inputs: &'a [Input],
    options: &'a Options,
    /// `[level][city][rank − 1]`. A cell counts at most `runs` <= [`crate::uncertainty::MAX_RUNS`] < 2^32.
    pub(crate) counts: Vec<u32>,
    /// Ranks laid out by position are counted in batches (see `tally`), one tally per cached
    /// data combination, made when first needed.
    tallies: Vec<Option<PositionTally<'a>>>,
    scratch: Scratch,
    ranks: Vec<Vec<u32>>,
    u: Vec<f64>,
    design: Design,
    scenario: Scenario,
    sums: Vec<f64>,
    local: Vec<f64>,
    weights: Vec<f64>,
    /// How many leading inputs are the weight factors of nodes 0, 1, 2, … in order: set in
    /// one loop the compiler vectorises rather than input by input.
    weight_run: usize,
}

impl<'a> Worker<'a> {
    pub(crate) fn new(
        eval: &'a Evaluator<'a>,
        inputs: &'a [Input],
        options: &'a Options,
    ) -> Worker<'a> {
        let model = eval.model;
        let (n, levels) = (model.n(), model.levels.len());
        Worker {
            eval,
            inputs,
            options,
            counts: vec![0; levels * n * n],
            tallies: (0..eval.combinations()).map(|_| None).collect(),
            scratch: Scratch::new(model),
            ranks: vec![vec![0; n]; levels],
            u: vec![0.0; inputs.len()],
            design: Design::new(0, inputs.len(), options.seed),
            scenario: model.nominal(),
            sums: vec![0.0; model.nodes.len() + 1],
            local: vec![0.0; model.nodes.len()],
            weights: vec![0.0; model.indicators.len()],
            weight_run: inputs
                .iter()
                .enumerate()
                .take_while(|&(k, input)| *input == Input::Weight(k))
                .count(),
        }
    }

    /// Runs replications `runs` and counts their ranks.
    pub(crate) fn run(&mut self, runs: std::ops::Range<u64>) {
        let model = self.eval.model;
        let n = model.n();
        for i in runs {
            self.design.fill(i, &mut self.u);
            // What `set_scenario` does for the leading weight factors, in one loop.
            let (run, spread) = (self.weight_run, self.options.weight_spread);
            for (f, &x) in self.scenario.weight_factors[..run]
                .iter_mut()
                .zip(&self.u[..run])
            {
                *f = weight_factor(x, spread);
            }
            set_scenario(
                &mut self.scenario,
                model,
                &self.inputs[run..],
                &self.u[run..],
                self.options,
            );
            model.effective_weights_into(
                &self.scenario.weight_factors,
                &mut self.sums,
                &mut self.local,
                &mut self.weights,
            );
            let laid = self.eval.ranks_laid(
                &self.scenario,
                &self.weights,
                &mut self.scratch,
                &mut self.ranks,
            );
            let mut row = laid.filter(|l| l.mask != 0 && n <= 128).map(|l| {
                self.tallies[l.combination]
                    .get_or_insert_with(|| PositionTally::new(l.orders, n))
                    .row(&mut self.counts)
            });
            for (l, (level, counts)) in self
                .ranks
                .iter()
                .zip(self.counts.chunks_mut(n * n))
                .enumerate()
            {
                match (laid.filter(|laid| laid.by_position(l)), row.as_mut()) {
                    (Some(_), Some(row)) => {
                        // Ranks are at most n <= 128: a byte each.
                        crate::tally::put_ranks(&mut row[l * n..(l + 1) * n], level);
                    }
                    (Some(laid), None) => {
                        for (&c, &r) in laid.orders[l].cities().iter().zip(level) {
                            counts[c as usize * n + r as usize - 1] += 1;
                        }
                    }
                    (None, _) => {
                        for (j, &r) in level.iter().enumerate() {
                            counts[j * n + r as usize - 1] += 1;
                        }
                    }
                }
            }
        }
        for tally in self.tallies.iter_mut().flatten() {
            tally.flush(&mut self.counts);
        }
    }
}
