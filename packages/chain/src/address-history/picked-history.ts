import { HistoryUnavailableError, type AddressActivity, type AddressHistoryQuery, type NativeTransfers, type OutgoingActivity, type OutgoingQuery } from './address-history';

/**
 * The history source an agent reads: the node's `trace_filter` when it offers it, else the
 * Etherscan-compatible API when one is configured for the network, else neither — then every read
 * throws `HistoryUnavailableError` and the agents say funding data is unavailable. The choice is
 * made on the first read (a node without traces costs one refused request) and kept for the
 * object's life, one job. `source` names the source that answered last.
 */
export class PickedHistory implements AddressActivity {
  private current: AddressActivity;
  private settled = false;

  constructor(
    private readonly traces: AddressActivity,
    private readonly explorer?: AddressActivity,
  ) {
    this.current = traces;
  }

  get source(): string {
    return this.current.source;
  }

  nativeTransfersTo(query: AddressHistoryQuery): Promise<NativeTransfers> {
    return this.read((history) => history.nativeTransfersTo(query));
  }

  outgoing(query: OutgoingQuery): Promise<OutgoingActivity> {
    return this.read((history) => history.outgoing(query));
  }

  private async read<T>(read: (history: AddressActivity) => Promise<T>): Promise<T> {
    if (this.settled) return read(this.current);
    try {
      const answer = await read(this.traces);
      this.settled = true;
      return answer;
    } catch (err) {
      if (!(err instanceof HistoryUnavailableError)) throw err;
      if (!this.explorer) throw new HistoryUnavailableError(this.traces.source, `${err.message}, and no Etherscan-compatible API is configured`, { cause: err });
      this.current = this.explorer;
      this.settled = true;
      return read(this.explorer);
    }
  }
}
