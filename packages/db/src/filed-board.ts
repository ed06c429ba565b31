import type { PublicNoticeBoard } from '@gridsafe/core';
import type { TenantStore, TransactItem } from './tenant-store.ts';

/**
 * The last filed notice board of a risk point reopened for change (pk RPBOARD#<id>, sk RPBOARD): written in the
 * reopen's own transaction, so the board on the wall keeps showing what was filed while the draft is reworked.
 * Filing again makes the point itself the board (its status is `filed`), and the next reopen overwrites this.
 */
export function filedBoardPut(store: TenantStore, board: PublicNoticeBoard): TransactItem {
  return {
    Put: {
      TableName: store.tableName,
      Item: { ...filedBoardKey(store, board.id), type: 'FiledBoard', board },
    },
  };
}

/** readFiledBoard: GetItem RPBOARD#<id>. */
export async function readFiledBoard(
  store: TenantStore,
  riskPointId: string,
): Promise<PublicNoticeBoard | undefined> {
  const { pk, sk } = filedBoardKey(store, riskPointId);
  const item = await store.get(pk, sk);
  return item ? (item.board as PublicNoticeBoard) : undefined;
}

function filedBoardKey(store: TenantStore, riskPointId: string) {
  return { pk: store.key('RPBOARD', riskPointId), sk: 'RPBOARD' };
}
