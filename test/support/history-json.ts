// Workflow histories as the canonical proto3 JSON the Temporal CLI and UI export (`temporal workflow show
// --output json`), for replay fixtures.
//
// Why not `historyToJSON` / `historyFromJSON` from @temporalio/common/lib/proto-utils? In this install npm
// keeps a separate copy of protobufjs 8 under each of @temporalio/common, /proto and /worker (the root
// slot holds protobufjs 7 for @grpc/proto-loader), and those helpers hand a Type from @temporalio/proto's
// copy to the protojson of @temporalio/common's copy, which rejects it ("TypeError: type must be a Type").
// That also breaks Worker.runReplayHistory given JSON. Resolving protojson from @temporalio/proto's own
// location keeps both halves on one copy whichever way npm lays the tree out, and the replayer is handed
// a decoded History message, which it takes as is.
import { createRequire } from 'node:module';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root.js';

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
}

const protoEntry = createRequire(import.meta.url).resolve('@temporalio/proto');
const protojson = createRequire(protoEntry)('protobufjs/ext/protojson') as ProtoJson;
const root = patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown };
const historyType = root.lookupType('temporal.api.history.v1.History');

export function historyToJson(history: History): string {
  return JSON.stringify(protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)), null, 2);
}

/** Unknown fields (a newer server's) are ignored, as the SDK's own reader does. */
export function historyFromJson(text: string): History {
  return protojson.fromJson(historyType, JSON.parse(text), { ignoreUnknownFields: true }) as History;
}
