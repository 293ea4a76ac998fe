import {setMaxListeners} from 'node:events';
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {checkHistoryAsync} from '../checker/index.js';
import {checkAvailability, checkConvergence, checkNoCrash, checkRecovery, checkSetHistory, converged, faultIntervals, type ReplicaSnapshot, type ReplicaState} from '../checks/index.js';
import {
  clientProxyName,
  Cluster,
  describeExit,
  nodeCommand,
  readyMode as readyModeOf,
  systemName,
  freePort,
  inboundPeerProxyName,
  linkProxyName,
  nodeIds,
  peerProxies,
  type NodeId,
  type NodeLaunch,
  type PeerLayout,
  type UnexpectedExit,
} from '../cluster/index.js';
import {etcdAdmin, EtcdSender} from '../etcd/index.js';
import {ClusterError, InterruptedError} from '../errors/index.js';
import {JsonlWriter, REGISTER_FUNCTIONS, RunClock, SET_FUNCTIONS, sleep, type HistoryEvent} from '../history/index.js';
import {LinkCutter, runSchedule, type NemesisEvent, type PinnedOccurrence} from '../nemesis/index.js';
import {formatPlan, type Plan} from '../plan/index.js';
import {newRunPrefix, ProxyControl, ProxyError, RunProxies} from '../proxy/index.js';
import {buildResults, explainResult, writeReports, type CheckSummary, type RunResults} from '../report/index.js';
import {Rng} from '../rng/index.js';
import {HistoryRecorder, OperationGenerator, WorkloadClient, type ClientAddresses, type Operation, type OperationSender} from '../workload/index.js';
import {StatusTracker, type RunStatus} from './status.js';
import {startToxiproxy, type ToxiproxyProcess} from './toxiproxy-process.js';

/** How often a run asks an external proxy server for its version, to notice it died or froze, ms. */
const PROXY_PROBE_MS = 1000;
/** How long that question may take before the server counts as gone, ms (it answers in about 1 ms). */
const PROXY_PROBE_TIMEOUT_MS = 3000;

/** Attempts per key for the final reads, each its own operation in the history. */
const FINAL_READ_ATTEMPTS = 5;

/** Options of one run. */
export interface RunOptions {
  plan: Plan;
  /** The plan file as given, for reports and the replay command. */
  planFile: string;
  runDir: string;
  /** Aborting (Ctrl-C) stops the workload and nemesis, heals, stops the cluster and checks what was recorded. */
  signal: AbortSignal;
  /** Progress lines for the person watching. */
  log: (line: string) => void;
  /** Something went wrong that does not change the verdict (e.g. $GITHUB_STEP_SUMMARY not writable); default `log`. */
  warn?: (line: string) => void;
  /**
   * Aborting stops the check itself: keys not settled yet become "unknown". The command aborts it
   * on a Ctrl-C that arrives while the history is being checked.
   */
  checkSignal?: AbortSignal;
  /** Replay: nemesis occurrences act on what a previous run's nemesis.jsonl says they acted on. */
  pinned?: ReadonlyMap<string, PinnedOccurrence>;
  /** Called about every STATUS_INTERVAL_MS with counts and active faults, for a live status line. */
  onStatus?: (status: RunStatus) => void;
}

/** How often `onStatus` is called, ms. */
const STATUS_INTERVAL_MS = 250;

/**
 * Runs a plan end to end (DESIGN.md): start the proxy server, proxies and nodes; run the workload
 * and the nemesis schedule together; heal, quiesce and read every key; stop everything; check the
 * history and write the run directory. Every process started here is stopped before it returns,
 * whatever happens.
 * @returns the results also written to results.json.
 * @throws ClusterError when the proxy server or the cluster cannot start (exit 3); the run
 *   directory then still holds the logs.
 */
export async function runPlan(options: RunOptions): Promise<RunResults> {
  const {plan, runDir, signal, log} = options;
  // Every client and nemesis step waits on the run's signal at once.
  setMaxListeners(0, signal);
  writeFileSync(path.join(runDir, 'plan.yaml'), formatPlan(plan));
  const clock = new RunClock();
  const historyWriter = new JsonlWriter<HistoryEvent>(path.join(runDir, 'history.jsonl'));
  const nemesisWriter = new JsonlWriter<NemesisEvent>(path.join(runDir, 'nemesis.jsonl'));
  const status = new StatusTracker(plan.workload.duration);
  const recorder = new HistoryRecorder(clock, historyWriter, (e) => status.history(e));
  const statusTimer = options.onStatus ? setInterval(() => options.onStatus!(status.snapshot(clock.now() / 1e6)), STATUS_INTERVAL_MS) : null;
  const nemesisEvents: NemesisEvent[] = [];
  const record = (e: NemesisEvent) => {
    nemesisEvents.push(e);
    nemesisWriter.append(e);
    status.nemesis(e);
  };
  const problems: string[] = [];
  /** Set when the harness could not carry out the plan (a fault or the final heal failed): a pass is then "unknown". */
  let harnessFailed = false;
  const harnessFailure = (line: string) => {
    harnessFailed = true;
    problems.push(line);
    log(line);
  };
  /**
   * Aborted when the proxy server is lost (it stopped answering, or the embedded one exited): every
   * client and peer link goes through it, so whatever phase the run is in stops there: start-up,
   * the workload (the final heal and reads are then skipped) or the final phase.
   */
  const proxyServerLost = new AbortController();
  let phase: 'start' | 'workload' | 'final' = 'start';
  const loseProxyServer = (what: string) => {
    if (proxyServerLost.signal.aborted) return;
    proxyServerLost.abort();
    const stopped = {
      start: 'the run stopped there, before its workload',
      workload: 'the workload stopped there and the final heal and reads were skipped',
      final: 'the final phase stopped there',
    }[phase];
    harnessFailure(`${what} at ${(clock.now() / 1e9).toFixed(3)} s: every client and peer link goes through it, so ${stopped}`);
  };
  /** The run's Ctrl-C signal, also aborted when the proxy server is lost. */
  const stopSignal = AbortSignal.any([signal, proxyServerLost.signal]);
  setMaxListeners(0, stopSignal);
  const rng = Rng.seeded(plan.seed);
  const nemesisRng = rng.fork();
  const workloadRng = rng.fork();

  let toxiproxy: ToxiproxyProcess | null = null;
  /** Set once the run tears down, when processes exiting is expected. */
  let stopping = false;
  let probe: NodeJS.Timeout | null = null;
  let proxies: RunProxies | null = null;
  let cluster: Cluster | null = null;
  let workloadStartNs = 0;
  let workloadEndNs = 0;
  /** Replica states read after the final heal, for the convergence check; null if the system has no `replicas` request. */
  let convergence: ConvergencePolls | null = null;
  try {
    // 1. Proxy server and proxies: one per directed peer link (etcd: one in front of each member's
    //    peer port, docs/etcd.md), one per client link. An external
    //    server (proxy.url, already checked by the command) may be shared: the run then names its
    //    proxies with a run prefix and touches nothing else (RunProxies).
    let url = plan.proxy.url;
    if (!url) {
      toxiproxy = await startToxiproxy(path.join(runDir, 'toxiproxy.log'));
      url = toxiproxy.url;
      const own = toxiproxy;
      void own.exited.then((how) => {
        if (!stopping) loseProxyServer(`the embedded Toxiproxy server exited (${how}; see ${path.join(runDir, 'toxiproxy.log')})`);
      });
    }
    const proxyUrl = url;
    if (plan.proxy.url) {
      // An external server is asked for its version every PROXY_PROBE_MS, so that one that died or
      // froze is noticed between nemesis calls (the embedded one reports its exit).
      let probing = false;
      const control = new ProxyControl(url, PROXY_PROBE_TIMEOUT_MS);
      probe = setInterval(() => {
        if (probing || stopping) return;
        probing = true;
        control
          .version()
          .catch((error: unknown) => {
            if (error instanceof ProxyError && error.unreachable !== undefined && !stopping) loseProxyServer(`the proxy server ${proxyUrl} stopped answering`);
          })
          .finally(() => (probing = false));
      }, PROXY_PROBE_MS);
    }
    proxies = new RunProxies(new ProxyControl(url), plan.proxy.url ? {kind: 'shared', prefix: newRunPrefix()} : {kind: 'own'});
    log(
      proxies.scope.kind === 'shared'
        ? `proxy server ${url} (external; this run's proxies are named ${proxies.scope.prefix}*)`
        : `proxy server ${url}`,
    );
    const ids = nodeIds(plan.cluster.nodes);
    const ports = new Map<NodeId, {client: number; peer: number}>();
    for (const id of ids) ports.set(id, {client: await freePort(), peer: await freePort()});
    const etcd = plan.cluster.system === 'etcd';
    const layout: PeerLayout = etcd ? 'destination' : 'link';
    const peers = peerProxies(layout, ids);
    const peerListen = new Map<string, string>();
    const clientAddresses = new Map<NodeId, {host: string; port: number}>();
    const run = proxies;
    // allSettled: every create has finished before a failure propagates, so removeAll sees them all.
    await settleAll([
      ...peers.map(async ({name, to}) => {
        const proxy = await run.create(name, '127.0.0.1:0', `127.0.0.1:${ports.get(to)!.peer}`);
        peerListen.set(name, proxy.listen);
      }),
      ...ids.map(async (id) => {
        const proxy = await run.create(clientProxyName(id), '127.0.0.1:0', `127.0.0.1:${ports.get(id)!.client}`);
        clientAddresses.set(id, {host: '127.0.0.1', port: Number(proxy.listen.split(':').pop())});
      }),
    ]);
    log(`${peers.length} peer proxies and ${ids.length} client proxies`);

    // 2. Nodes, each dialling its peers through the proxies of its outgoing links.
    const launches: NodeLaunch[] = ids.map((id) => ({
      id,
      clientPort: ports.get(id)!.client,
      peerPort: ports.get(id)!.peer,
      peers: new Map(ids.filter((p) => p !== id).map((p) => [p, peerListen.get(linkProxyName(layout, {from: id, to: p}))!])),
      dataDir: path.join(runDir, 'data', id),
      bugs: plan.cluster.bugs,
      ...(etcd ? {advertisedPeer: peerListen.get(inboundPeerProxyName(id))!} : {}),
    }));
    cluster = new Cluster(launches, (l) => nodeCommand(plan.cluster.system, l), runDir, (exit) => {
      const line = `node ${exit.node} exited unexpectedly (${describeExit(exit)}); see ${exit.logFile}`;
      problems.push(line);
      log(line);
    }, etcd ? etcdAdmin : undefined);
    cluster.startAll();
    const readyMode = readyModeOf(plan.cluster.system);
    const ready = await cluster.waitForReady(readyMode, plan.cluster.readyTimeout, stopSignal).catch((error: unknown) => {
      if (signal.aborted) throw new InterruptedError('interrupted before the cluster was ready; nothing was recorded');
      if (proxyServerLost.signal.aborted) return null; // said once, by loseProxyServer
      if (!(error instanceof ClusterError)) throw error;
      harnessFailure(`the cluster never became ready: ${error.message}`);
      return null;
    });
    // A Ctrl-C that arrived as the cluster became ready still means nothing was recorded.
    if (signal.aborted) throw new InterruptedError('interrupted before the cluster was ready; nothing was recorded');
    if (ready !== null && !proxyServerLost.signal.aborted) {
      log(`${ids.length} ${systemName(plan.cluster.system)} nodes up; ${ready}`);

      // 3. Workload and nemesis, together.
      const generator = new OperationGenerator(plan.workload.keys, plan.workload.mix);
      // etcd is driven over its JSON gateway; the other systems over NDJSON.
      const sender = etcd ? new EtcdSender(clientAddresses, plan.cluster.etcd?.serializableReads ?? false) : undefined;
      const clients = Array.from(
        {length: plan.workload.clients},
        (_, slot) => new WorkloadClient(slot, plan.workload.clients, ids[slot % ids.length], clientAddresses as ClientAddresses, recorder, plan.workload.timeout, sender),
      );
      const meanGapMs = plan.workload.rate > 0 ? (1000 * plan.workload.clients) / plan.workload.rate : 0;
      const links_ = new LinkCutter(proxies, layout);
      const nemesisStop = new AbortController();
      setMaxListeners(0, nemesisStop.signal);
      const onAbort = () => nemesisStop.abort();
      signal.addEventListener('abort', onAbort, {once: true});
      workloadStartNs = clock.now();
      status.enter('workload', workloadStartNs / 1e6);
      const endNs = workloadStartNs + plan.workload.duration * 1e6;
      log(`workload: ${plan.workload.clients} clients, ${plan.workload.keys} keys, ${plan.workload.duration / 1000} s, ${plan.nemesis.length} nemesis step${plan.nemesis.length === 1 ? '' : 's'}`);
      const nemesis = runSchedule(plan.nemesis, {cluster, links: links_, clock, rng: nemesisRng, record, signal: nemesisStop.signal, log, proxies, pinned: options.pinned,
        onError: (step, error) => {
          const unanswered = error instanceof ProxyError && error.unreachable !== undefined;
          if (unanswered && proxyServerLost.signal.aborted) return; // already said: the server is gone
          harnessFailure(`nemesis step ${step} failed: ${error.message}`);
          if (unanswered) loseProxyServer(`the proxy server ${proxyUrl} stopped answering`);
        }});
      phase = 'workload';
      await Promise.all(clients.map((c, i) => c.run(generator, i === 0 ? workloadRng : workloadRng.fork(), meanGapMs, () => clock.now(), endNs, stopSignal)));
      workloadEndNs = clock.now();
      phase = 'final';
      status.enter('final', workloadEndNs / 1e6);
      nemesisStop.abort();
      await nemesis;
      signal.removeEventListener('abort', onAbort);

      // 4. Final phase: heal everything, restart dead nodes, quiesce, read every key once more.
      if (proxyServerLost.signal.aborted) {
        log('final: skipped (no proxy server)');
      } else {
        record({time: clock.now(), type: 'start', step: -1, fault: 'heal', description: 'heal all: reset proxies, restart stopped nodes, bring left nodes back into the ring'});
        try {
          await proxies.healAll();
        } catch (error) {
          harnessFailure(`the final heal failed: ${(error as Error).message}`);
          if (error instanceof ProxyError && error.unreachable !== undefined) loseProxyServer(`the proxy server ${proxyUrl} stopped answering`);
        }
        links_.forget();
        cluster.resumeAll();
        // Real clocks again (a node without an injectable clock just says so; nothing to undo there).
        await Promise.all(ids.filter((id) => cluster!.isRunning(id)).map((id) => cluster!.setClock(id, 1, 0)));
        for (const id of ids) if (!cluster.isRunning(id)) cluster.start(id);
        const healedNs = clock.now();
        record({time: healedNs, type: 'stop', step: -1, fault: 'heal', description: 'healed'});
        if (!stopSignal.aborted) {
          log(`final: healed; quiesce ${plan.final.quiesce / 1000} s, then read every key`);
          try {
            await cluster.waitForReady(readyMode, plan.cluster.readyTimeout, stopSignal);
          } catch (error) {
            if (!stopSignal.aborted) problems.push(`after the final heal: ${(error as Error).message}`);
          }
          // Nodes a `leave` took out of the ring join it again, once every node answers.
          for (const id of cluster.leftRing) {
            const joined = await cluster.membership(id, 'join');
            if (typeof joined === 'string') harnessFailure(`the final heal could not bring ${id} back into the ring: ${joined}`);
          }
          convergence = await pollConvergence(cluster, clock, healedNs, plan.check.convergence.within, stopSignal);
          // Polls cut short by a lost proxy server say nothing about convergence.
          if (proxyServerLost.signal.aborted) convergence = null;
          const lastPoll = convergence?.[convergence.length - 1];
          if (lastPoll) log(`final: replicas ${converged(lastPoll.snapshot) ? 'agree' : 'still differ'} after ${(lastPoll.afterMs / 1000).toFixed(1)} s`);
          await sleep(plan.final.quiesce, stopSignal);
          const nextProcess = recorder.events.reduce((max, e) => Math.max(max, e.process + 1), plan.workload.clients);
          const reads: Operation[] = [
            ...generator.registerKeys().map((key): Operation => ({f: 'read', key, value: null})),
            ...generator.setKeys().map((key): Operation => ({f: 'read-set', key, value: null})),
          ];
          await finalReads(reads, ids, clientAddresses, recorder, nextProcess, plan.workload.timeout * 2, stopSignal, sender);
        }
      }
    }
  } finally {
    stopping = true;
    if (probe) clearInterval(probe);
    if (statusTimer) clearInterval(statusTimer);
    if (signal.aborted) problems.push('the run was interrupted (SIGINT/SIGTERM); the history holds what was recorded until then');
    const proxyExit = toxiproxy?.exitedEarly();
    if (proxyExit && !proxyServerLost.signal.aborted) harnessFailure(`the embedded Toxiproxy server exited during the run (${proxyExit}); see ${path.join(runDir, 'toxiproxy.log')}`);
    cluster?.resumeAll();
    await cluster?.stopAll();
    // On a shared server, leave nothing behind (also after a failure or Ctrl-C).
    for (const failure of (await proxies?.removeAll()) ?? []) {
      problems.push(failure);
      log(failure);
    }
    await toxiproxy?.stop();
    historyWriter.close();
    nemesisWriter.close();
  }

  options.onStatus?.({...status.snapshot(clock.now() / 1e6), phase: 'checking'});
  log(`checking ${recorder.events.length} history events`);
  const registerEvents = recorder.events.filter((e) => REGISTER_FUNCTIONS.includes(e.f));
  const checks: CheckSummary[] = [];
  if (plan.check.linearizable && registerEvents.length > 0) {
    const check = await checkHistoryAsync(registerEvents, {model: plan.check.model, timeLimitMs: plan.check.timeLimit, signal: options.checkSignal});
    if (options.checkSignal?.aborted) problems.push('the check was interrupted (SIGINT/SIGTERM); unsettled keys are unknown');
    checks.push({name: 'linearizable', model: plan.check.model, valid: check.valid, durationMs: check.durationMs, result: check, explanation: explainResult(check, recorder.events)});
  }
  if (recorder.events.some((e) => SET_FUNCTIONS.includes(e.f))) {
    const t = performance.now();
    const {result, ...set} = checkSetHistory(recorder.events, workloadEndNs);
    checks.push({name: 'set', ...set, set: result, durationMs: performance.now() - t});
  }
  if (convergence) checks.push({name: 'convergence', ...checkConvergence(convergence, plan.check.convergence.within), durationMs: 0});
  const results = buildResults({
    plan,
    planFile: options.planFile,
    runDir,
    startedAtMs: clock.startedAtMs,
    durationMs: clock.now() / 1e6,
    workloadStartMs: workloadStartNs / 1e6,
    workloadMs: (workloadEndNs - workloadStartNs) / 1e6,
    events: recorder.events,
    checks: [
      ...checks,
      ...otherChecks(plan, recorder.events, nemesisEvents, {from: workloadStartNs, to: workloadEndNs}, cluster?.unexpectedExits ?? [], harnessFailed ? 'the harness failed' : signal.aborted ? 'the run was interrupted' : null),
    ],
    nemesis: nemesisEvents,
    problems,
    interrupted: signal.aborted,
    harnessFailed,
  });
  await writeReports(runDir, results, recorder.events, options.warn ?? log);
  return results;
}

/**
 * Availability, recovery and no-crash (issue 7), with their bounds from the plan's `check`.
 * @param notJudged why availability and recovery say nothing about the system this time (the
 *   harness failed, or the run was interrupted and its faults cut short): they are then "unknown".
 */
function otherChecks(
  plan: Plan,
  events: readonly HistoryEvent[],
  nemesis: readonly NemesisEvent[],
  workload: {from: number; to: number},
  exits: readonly UnexpectedExit[],
  notJudged: string | null,
): CheckSummary[] {
  const timed = <T>(f: () => T): [T, number] => {
    const t = performance.now();
    const r = f();
    return [r, performance.now() - t];
  };
  const {active, healed} = faultIntervals(nemesis, workload.to);
  const within = plan.check.recovery.within;
  const grace = healed.map((t) => ({from: t, to: t + within * 1e6}));
  const out: CheckSummary[] = [];
  const [availability, ta] = timed(() => checkAvailability(events, workload, active, grace, plan.check.availability));
  out.push({name: 'availability', ...availability, durationMs: ta});
  const [recovery, tr] = timed(() => checkRecovery(events, healed, workload.to, within));
  out.push({name: 'recovery', ...recovery, durationMs: tr});
  if (plan.check.noCrash) out.push({name: 'no-crash', ...checkNoCrash(exits), durationMs: 0});
  // When the harness could not carry out the plan (the proxy server died, a fault failed) or the
  // run was cut short, availability and recovery say nothing about the system: not judged.
  return notJudged === null
    ? out
    : out.map((c) => (c.name === 'no-crash' ? c : {...c, valid: 'unknown' as const, explanation: `not judged, ${notJudged}: ${c.explanation}`}));
}

/** Waits for every promise, then rejects with the first rejection if any. */
async function settleAll(promises: Array<Promise<unknown>>): Promise<void> {
  const failed = (await Promise.allSettled(promises)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Replica states polled after the final heal, each with its time since the heal in ms. */
type ConvergencePolls = {afterMs: number; snapshot: ReplicaSnapshot}[];

/** Poll interval of the convergence check, ms. */
const CONVERGENCE_POLL_MS = 250;

/**
 * Reads every node's `replicas` (docs/protocol.md) until the nodes agree on the ring and all home replicas of every key agree, or
 * `withinMs` has passed since the heal at `healedNs` (run clock, ns).
 * @returns the polls, or null when the system has no `replicas` request (every node answers it unsupported).
 */
async function pollConvergence(cluster: Cluster, clock: RunClock, healedNs: number, withinMs: number, signal: AbortSignal): Promise<ConvergencePolls | null> {
  const polls: ConvergencePolls = [];
  for (;;) {
    const answers = await Promise.all(cluster.ids.map(async (id) => [id, await cluster.replicas(id)] as const));
    if (polls.length === 0 && answers.every(([, a]) => a === 'unsupported')) return null;
    const snapshot: ReplicaSnapshot = new Map(answers.map(([id, a]): [string, ReplicaState | null] => [id, a === 'unsupported' ? null : a]));
    const afterMs = (clock.now() - healedNs) / 1e6;
    polls.push({afterMs, snapshot});
    if (converged(snapshot) || afterMs > withinMs || signal.aborted) return polls;
    await sleep(CONVERGENCE_POLL_MS, signal);
  }
}

/**
 * Reads every key once more after the final heal (Jepsen's final generator), each read through
 * a new process on a node chosen in turn, retried on definite failures.
 */
async function finalReads(
  reads: readonly Operation[],
  ids: readonly NodeId[],
  addresses: ReadonlyMap<NodeId, {host: string; port: number}>,
  recorder: HistoryRecorder,
  firstProcess: number,
  timeoutMs: number,
  signal: AbortSignal,
  sender?: OperationSender,
): Promise<void> {
  let process = firstProcess;
  for (const [i, read] of reads.entries()) {
    for (let attempt = 0; attempt < FINAL_READ_ATTEMPTS && !signal.aborted; attempt++) {
      const client = new WorkloadClient(process++, 0, ids[(i + attempt) % ids.length], addresses, recorder, timeoutMs, sender);
      const done = await client.invoke(read);
      client.close();
      if (done.type === 'ok') break;
      await sleep(200, signal);
    }
  }
}
