/**
 * The firmware lifecycle over USP (TR-369 08 "Firmware Management", TR-181 Firmware:1,
 * TP-469 9.3–9.8): FirmwareImage.{i}.Download() and Activate() as async operations
 * (agent/requests.ts: a Request row each, OperationComplete at the end), the
 * LocalAgent.TransferComplete! event, the switch into the new image (a trial boot) and
 * the health check that keeps it (confirm) or lets the next boot roll back.
 *
 * Bounded: one download at a time and one pending activation at a time — a second one
 * completes at once with 7005 (Resources exceeded). Downloading into the running image
 * is refused (7022: this is an A/B device, TP-469 9.7). A transfer cut by a restart is
 * reported at the next start: TransferComplete! with FaultCode 7806 (faults.ts).
 * Sans-I/O apart from the port: slots, storage and the stream opener come in config;
 * time comes in as `now`; `pollTimeout`/`handleTimeout` carry its deadlines.
 */
import type { Agent } from '../agent/index.ts';
import { DmError, type CommandInvocation, type CommandOutcome, type DataModelApi } from '../dm/index.ts';
import { parseHttpUrl, type HttpGet } from '../http/index.ts';
import type { DownloadStream, FirmwareSlots, HashFactory, OpenDownloadStream, SlotStatus } from '../platform/firmware.ts';
import type { KeyValueStore, Logger } from '../platform/types.ts';
import { digestLength, fromHex } from './checksum.ts';
import { DownloadState, FirmwareDownload } from './download.ts';
import { TransferFault } from './faults.ts';
import type { ImageHeader } from './image.ts';
import { DEVICE_INFO, FIRMWARE_TABLE, firmwarePolicy, imageRef, slotOfRef, syncRows, writeParams } from './rows.ts';
import { nextActivation, parseTimeWindows, windowAt, ActivationMode, type TimeWindow } from './time-window.ts';
import { saveNote, takeNote, transferComplete, wallTime, type TransferNote } from './transfer-complete.ts';


export interface FirmwareServiceConfig {
  readonly agent: Agent;
  readonly slots: FirmwareSlots;
  readonly openStream: OpenDownloadStream;
  /** Where an unfinished transfer is noted, to report it after a power cut. */
  readonly store?: KeyValueStore | undefined;
  readonly random: (out: Uint8Array) => void;
  readonly now: () => number;
  readonly log: Logger;
  /** Checks an image header's signature ('' = accepted); absent = unsigned images are accepted. */
  readonly verifySignature?: ((h: ImageHeader) => string) | undefined;
  /** A trial image that hears from no Controller for this long reboots into the old one. */
  readonly healthTimeoutMs?: number;
  readonly idleTimeoutMs?: number;
  /** The platform's hashes: portable-hashes.ts on the host and in XS, `crypt` on Moddable. */
  readonly hashes: HashFactory;
  /** Called after anything the agent must send (OperationComplete, events): drain it. */
  readonly onChange: () => void;
}

interface Transfer {
  readonly dl: FirmwareDownload;
  readonly inv: CommandInvocation;
  readonly requestPath: string;
  readonly originator: string;
  readonly startTime: string;
  readonly autoActivate: boolean;
  stream: DownloadStream | null;
}

interface PendingActivation {
  readonly slot: number;
  readonly invokedAt: number;
  readonly windows: readonly TimeWindow[];
  readonly requestPath: string;
  readonly commandKey: string;
  due: number;
}


export class FirmwareService {
  private transfer: Transfer | null = null;
  private activation: PendingActivation | null = null;
  private healthDue = Infinity;
  private contactsAtStart = 0;
  private closed = false;
  private readonly model: DataModelApi;

  constructor(private readonly c: FirmwareServiceConfig) {
    this.model = c.agent.model;
    const why = syncRows(this.model, c.slots, new Map());
    if (why !== '') c.log.error(`FirmwareImage rows: ${why}`);
    c.agent.addWritePolicy(firmwarePolicy(this.model, c.slots));
    c.agent.registerAsyncCommand(FIRMWARE_TABLE + '{i}.Download()', (inv, path) => this.download(inv, path));
    c.agent.registerAsyncCommand(FIRMWARE_TABLE + '{i}.Activate()', (inv, path) => this.activate(inv, path));
    const self = this;
    this.model.addListener({
      handleValueChange(inst, p, value) { if (inst.path === DEVICE_INFO && p.name === 'BootFirmwareImage') self.bootChanged(value); },
      handleObjectCreation: () => undefined,
      handleObjectDeletion: () => undefined,
    });
  }

  /** After agent.start (Boot! is out): reports a transfer a restart cut, starts the trial's health check. */
  start(now: number): void {
    const note = takeNote(this.c.store);
    if (note !== null) {
      transferComplete(this.c.agent, note, TransferFault.Interrupted, 'the transfer was interrupted by a restart', '', new Map());
    }
    if (this.c.slots.trial) {
      this.contactsAtStart = this.c.agent.controllerContacts;
      this.healthDue = now + (this.c.healthTimeoutMs ?? 600_000);
      this.c.log.info(`firmware: trial run of slot ${this.c.slots.running}; confirmed once a Controller is heard`);
    }
    this.c.onChange();
  }

  // Download() ---------------------------------------------------------------
  private download(inv: CommandInvocation, requestPath: string): CommandOutcome | null {
    const slots = this.c.slots;
    const slot = inv.target.number - 1;
    const fail = (err: number, message: string): CommandOutcome => ({ err, message, output: null });
    if (this.transfer !== null) return fail(DmError.ResourcesExceeded, 'a firmware download is already in progress');
    if (slot === slots.running) return fail(DmError.CommandFailure, 'cannot download into the running image: use the other FirmwareImage (A/B)');
    if (this.activation !== null && this.activation.slot === slot) return fail(DmError.ResourcesExceeded, 'an activation of this image is pending');
    const url = parseHttpUrl(inv.input.get('URL') ?? '');
    if (typeof url === 'string') return fail(DmError.InvalidCommandArguments, `URL: ${url}`);
    const algorithm = inv.input.get('CheckSumAlgorithm') ?? '';
    const sum = inv.input.get('CheckSum') ?? '';
    const checkSum = sum === '' ? null : fromHex(sum);
    if (sum !== '' && (algorithm === '' || checkSum === null || checkSum.length !== digestLength(algorithm))) {
      return fail(DmError.InvalidCommandArguments, 'CheckSum needs a CheckSumAlgorithm and a digest of its length');
    }
    const now = this.c.now();
    const dl = new FirmwareDownload({
      url, username: inv.input.get('Username') ?? '', password: inv.input.get('Password') ?? '',
      fileSize: Number(inv.input.get('FileSize') ?? '0'), algorithm, checkSum, slot,
    }, {
      slots, cnonce: () => this.cnonce(), verifySignature: this.c.verifySignature ?? (() => ''),
      idleTimeoutMs: this.c.idleTimeoutMs ?? 30_000, maxResumes: 3, maxRedirects: 5, userAgent: 'tinyusp', hashes: this.c.hashes,
    });
    const op = this.c.agent.requests.get(requestPath);
    const t: Transfer = {
      dl, inv, requestPath, originator: op?.originator ?? '', startTime: wallTime(this.model),
      autoActivate: inv.input.get('AutoActivate') === 'true', stream: null,
    };
    this.transfer = t;
    if (op !== undefined) op.onCancel = () => { dl.cancel(TransferFault.Canceled, 'canceled by Request.Cancel()'); this.finish(t, true); };
    saveNote(this.c.store, { command: inv.path, commandKey: inv.commandKey, requestor: t.originator, url: inv.input.get('URL') ?? '', start: t.startTime, algorithm });
    writeParams(this.model, [[`${FIRMWARE_TABLE}${slot + 1}.`, 'Available', 'false']]);
    dl.start(now);
    this.sync();
    if (dl.state !== DownloadState.Running) return this.finish(t, false);
    this.open(t);
    return null;
  }

  private open(t: Transfer): void {
    const get: HttpGet = t.dl.get;
    t.stream = this.c.openStream(get, {
      get host() { return get.url.host; },
      get port() { return get.url.port; },
      get tls() { return get.url.secure; },
      onService: () => this.serviced(t),
      onError: (m) => this.c.log.debug(`firmware download: ${m}`),
    });
    get.start(this.c.now()); // idempotent: already started by the download
    t.stream.service();
  }

  private serviced(t: Transfer): void {
    if (this.transfer !== t || this.closed) return;
    const r = t.dl.step(this.c.now());
    if (r === 'resume') {
      this.c.log.info(`firmware download: connection lost after ${t.dl.received} bytes, resuming (${t.dl.resumes})`);
      const old = t.stream;
      t.stream = null;
      old?.close();
      this.open(t);
    } else if (r === 'finished') {
      const done = this.finish(t, false);
      if (done !== null) this.c.agent.completeOperation(t.requestPath, done.err, done.message, done.output);
      this.c.onChange();
    }
  }

  /** Ends a transfer: rows, TransferComplete!, then (AutoActivate) the switch. Returns the operation's outcome. */
  private finish(t: Transfer, canceled: boolean): CommandOutcome | null {
    if (this.transfer !== t) return null;
    this.transfer = null;
    const s = t.stream;
    t.stream = null;
    if (s !== null) s.close();
    const dl = t.dl;
    const ok = dl.state === DownloadState.Done;
    takeNote(this.c.store);
    if (ok) writeParams(this.model, [[`${FIRMWARE_TABLE}${dl.spec.slot + 1}.`, 'Available', 'true']]);
    this.sync();
    this.c.log.info(ok ? `firmware download: slot ${dl.spec.slot} holds ${dl.header?.name} ${dl.header?.version}` : `firmware download failed (${dl.fault}): ${dl.message}`);
    const note: TransferNote = {
      command: t.inv.path, commandKey: t.inv.commandKey, requestor: t.originator, url: t.inv.input.get('URL') ?? '',
      start: t.startTime, algorithm: dl.spec.algorithm,
    };
    const outcome: CommandOutcome = ok ? { err: 0, message: '', output: new Map() }
      : { err: canceled ? DmError.CommandCanceled : DmError.CommandFailure, message: dl.message, output: null };
    if (!canceled) this.c.agent.completeOperation(t.requestPath, outcome.err, outcome.message, outcome.output);
    transferComplete(this.c.agent, note, ok ? 0 : dl.fault, ok ? '' : dl.message, dl.checkSumHex, new Map([['Affected', `${FIRMWARE_TABLE}${dl.spec.slot + 1}.`]]));
    if (ok && t.autoActivate) this.switchTo(dl.spec.slot, t.inv.commandKey, '');
    this.c.onChange();
    return null;
  }

  // Activate() ---------------------------------------------------------------
  private activate(inv: CommandInvocation, requestPath: string): CommandOutcome | null {
    const slots = this.c.slots;
    const slot = inv.target.number - 1;
    const fail = (err: number, message: string): CommandOutcome => ({ err, message, output: null });
    const windows = parseTimeWindows(inv.input);
    if (typeof windows === 'string') return fail(DmError.InvalidCommandArguments, windows);
    if (slot === slots.running) return { err: 0, message: '', output: new Map() }; // already the running image
    const row = this.model.instanceAt(`${FIRMWARE_TABLE}${slot + 1}.`);
    const available = row === undefined ? '' : this.model.read(row, row.node.params.find((p) => p.name === 'Available')!);
    if (slots.info(slot).status !== 'Available' || available !== 'true') return fail(DmError.CommandFailure, `FirmwareImage.${slot + 1} holds no available image`);
    if (this.activation !== null) return fail(DmError.ResourcesExceeded, 'an activation is already pending');
    if (this.transfer !== null && this.transfer.dl.spec.slot === slot) return fail(DmError.ResourcesExceeded, 'this image is being downloaded');
    const now = this.c.now();
    const due = nextActivation(now, windows, now);
    if (due === Infinity) return fail(DmError.CommandFailure, 'no TimeWindow this device can use (ConfirmationNeeded needs a user it does not have)');
    const a: PendingActivation = { slot, invokedAt: now, windows, requestPath, commandKey: inv.commandKey, due };
    this.activation = a;
    const op = this.c.agent.requests.get(requestPath);
    if (op !== undefined) op.onCancel = () => { if (this.activation === a) this.activation = null; };
    if (due <= now) { this.handleTimeout(now); return null; }
    this.c.log.info(`firmware: FirmwareImage.${slot + 1} activates in ${Math.round((due - now) / 1000)} s`);
    return null;
  }

  /** setBoot, BootFirmwareImage, reboot (Boot! then says RemoteReboot with this CommandKey). '' or why not. */
  private switchTo(slot: number, commandKey: string, requestPath: string): string {
    const err = this.c.slots.setBoot(slot);
    if (err !== '') {
      this.c.slots.fail(slot, 'ActivationFailed');
      this.sync();
      if (requestPath !== '') this.c.agent.completeOperation(requestPath, DmError.CommandFailure, `cannot boot slot ${slot}: ${err}`, null);
      return err;
    }
    writeParams(this.model, [[DEVICE_INFO, 'BootFirmwareImage', imageRef(slot)]]);
    if (requestPath !== '') this.c.agent.completeOperation(requestPath, 0, '', new Map());
    this.c.log.info(`firmware: rebooting into slot ${slot}`);
    this.c.agent.requestReboot('RemoteReboot', commandKey);
    this.c.onChange();
    return '';
  }

  private bootChanged(value: string): void {
    const slot = slotOfRef(value);
    if (slot < 0 || slot === this.c.slots.next) return;
    const err = this.c.slots.setBoot(slot);
    if (err !== '') this.c.log.warn(`BootFirmwareImage ${value}: ${err}`);
  }

  // Time -------------------------------------------------------------------------
  pollTimeout(): number {
    return Math.min(this.activation?.due ?? Infinity, this.healthDue);
  }

  handleTimeout(now: number): void {
    this.checkHealth(now);
    const a = this.activation;
    if (a === null || now < a.due) return;
    const w = windowAt(a.invokedAt, a.windows, now);
    if (w === null && a.windows.length > 0) {
      a.due = nextActivation(a.invokedAt, a.windows, now);
      if (a.due === Infinity) {
        this.activation = null;
        this.c.agent.completeOperation(a.requestPath, DmError.CommandFailure, 'every TimeWindow passed without an activation', null);
        this.c.onChange();
      }
      return;
    }
    if (w !== null && w.mode === ActivationMode.WhenIdle && (this.transfer !== null || this.c.agent.requests.size > 1)) {
      a.due = now + 1000; // busy: look again in a second (bounded by the window's End)
      return;
    }
    this.activation = null;
    this.switchTo(a.slot, a.commandKey, a.requestPath);
  }

  /** Called after every input: a trial image is kept once a Controller has been heard. */
  checkHealth(now: number): void {
    if (this.healthDue === Infinity) return;
    if (this.c.agent.controllerContacts > this.contactsAtStart) {
      this.healthDue = Infinity;
      this.c.slots.confirm();
      this.sync();
      this.c.log.info(`firmware: slot ${this.c.slots.running} confirmed healthy`);
      return;
    }
    if (now >= this.healthDue) {
      this.healthDue = Infinity;
      this.c.log.error('firmware: no Controller reached the trial image; rebooting into the previous one');
      this.c.agent.requestReboot('LocalReboot', '');
    }
  }

  /** Shutdown: a running transfer stops (its note stays, so the next start reports it). */
  close(): void {
    this.closed = true;
    const t = this.transfer;
    this.transfer = null;
    if (t !== null) { t.stream?.close(); t.dl.cancel(TransferFault.Interrupted, 'agent stopped'); }
  }

  // Helpers ------------------------------------------------------------------------
  private sync(): void {
    const transient = new Map<number, SlotStatus>();
    const t = this.transfer;
    if (t !== null && t.dl.state === DownloadState.Running) transient.set(t.dl.spec.slot, 'Downloading');
    const why = syncRows(this.model, this.c.slots, transient);
    if (why !== '') this.c.log.warn(`FirmwareImage rows: ${why}`);
  }



  private cnonce(): string {
    const b = new Uint8Array(16);
    this.c.random(b);
    let s = '';
    for (let i = 0; i < b.length; i++) s += (b[i]! < 16 ? '0' : '') + b[i]!.toString(16);
    return s;
  }
}
