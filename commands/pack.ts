// mlserve pack: models from profiles.yaml onto the fewest / cheapest instances (plan.yaml).
import { Command, Option } from 'commander';
import { bytesArg, choiceArg, durationArg, intArg, listArg, numberArg, percentArg } from '../src/cli-options.js';
import { printResult } from '../src/output.js';
import { stderrLogger } from '../src/log.js';

interface Flags {
  profiles: string;
  catalog?: string;
  catalogMode: 'extend' | 'replace';
  instanceTypes?: string[];
  maxMem?: number;
  maxUtil: number;
  objective: 'cost' | 'count';
  timeLimit: number;
  out: string;
  svg?: string;
  json?: boolean;
  spot?: boolean;
  spotMaxShare: number;
  survive: number;
}

export function packCommand(): Command {
  return new Command('pack')
    .description('Pack models onto instances (GLPK): the cheapest plan, its lower bound and whether it is optimal')
    .requiredOption('--profiles <file>', 'profiles.yaml written by mlserve trace')
    .option('--catalog <file>', 'instance catalog to use with (or instead of) the default one')
    .option('--catalog-mode <mode>', 'extend: override and add to the default catalog; replace: use only --catalog', choiceArg('--catalog-mode', ['extend', 'replace'] as const), 'extend')
    .option('--instance-types <types>', 'comma-separated instance types to choose from (default: every type of a family the profiles describe)', listArg)
    .option('--max-mem <size>', 'memory cap per processor, e.g. 7.4GB or 7GiB (default: the processor memory)', bytesArg('--max-mem'))
    .option('--max-util <percent>', 'utilization cap per processor, in % (e.g. 83)', percentArg('--max-util'), 100)
    .option('--objective <objective>', 'minimize cost ($/h) or count (instances)', choiceArg('--objective', ['cost', 'count'] as const), 'cost')
    .addOption(new Option('--time-limit <duration>', 'wall-clock limit for the solver; the best plan found is returned').argParser(durationArg('--time-limit')).default(30_000, '30s'))
    .option('--out <file>', 'plan to write', 'plan.yaml')
    .option('--svg <file>', 'also draw the plan as SVG')
    .option('--json', 'print the plan as JSON on stdout')
    .option('--spot', 'buy spot instances where cheaper, keeping every model served through --survive spot pool interruptions')
    .option('--spot-max-share <fraction>', 'with --spot: cap on the spot share of the hourly cost (0–1)', numberArg('--spot-max-share', 0, 1), 0.7)
    .option('--survive <pools>', 'with --spot: spot pools (instance type × zone) that may be interrupted at once', intArg('--survive', 1, 10), 1)
    .action(async (f: Flags) => {
      const { runPack } = await import('../src/pack/pack.js');
      const { planTable } = await import('../src/pack/render.js');
      const r = await runPack({
        profiles: f.profiles,
        catalog: f.catalog,
        catalogMode: f.catalogMode,
        instanceTypes: f.instanceTypes,
        maxMemory: f.maxMem,
        maxUtil: f.maxUtil,
        objective: f.objective,
        timeLimitMs: f.timeLimit,
        out: f.out,
        svg: f.svg,
        logger: f.json ? undefined : stderrLogger(),
        ...(f.spot ? { spot: { survive: f.survive, maxShare: f.spotMaxShare } } : {}),
      });
      printResult({ json: !!f.json, value: { ok: true, out: r.out, svg: r.svg, plan: r.plan }, text: () => `${planTable(r.plan)}\nwrote ${r.out}${r.svg ? ` and ${r.svg}` : ''}` });
    });
}
