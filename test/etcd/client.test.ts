import assert from 'node:assert/strict';
import {test} from 'node:test';
import {gatewayRequest, outcomeOf, type GatewayResult} from '../../src/etcd/index.js';
import type {Operation} from '../../src/workload/index.js';

const read: Operation = {f: 'read', key: 'k1', value: null};
const write: Operation = {f: 'write', key: 'k1', value: 7};
const cas: Operation = {f: 'cas', key: 'k2', value: [3, 4]};
const reply = (status: number, body: Record<string, unknown>): GatewayResult => ({type: 'reply', status, body});
const header = {header: {revision: '5', raft_term: '2'}};

test('read, write and cas become Range, Put and a Txn comparing the value, keys and values in base64', () => {
  assert.deepEqual(gatewayRequest(read, false), {path: '/v3/kv/range', body: {key: 'azE='}});
  assert.deepEqual(gatewayRequest(read, true), {path: '/v3/kv/range', body: {key: 'azE=', serializable: true}});
  assert.deepEqual(gatewayRequest(write, false), {path: '/v3/kv/put', body: {key: 'azE=', value: 'Nw=='}});
  assert.deepEqual(gatewayRequest(cas, true), {
    path: '/v3/kv/txn',
    body: {compare: [{key: 'azI=', target: 'VALUE', result: 'EQUAL', value: 'Mw=='}], success: [{requestPut: {key: 'azI=', value: 'NA=='}}]},
  });
});

test('a read returns the value as a number, or null when the gateway leaves kvs out', () => {
  assert.deepEqual(outcomeOf(read, reply(200, {...header, kvs: [{key: 'azE=', value: 'MTI='}], count: '1'}), 'n1'), {type: 'ok', value: 12, node: 'n1'});
  assert.deepEqual(outcomeOf(read, reply(200, header), 'n1'), {type: 'ok', value: null, node: 'n1'});
  assert.equal(outcomeOf(read, reply(200, {...header, kvs: [{key: 'azE=', value: 'eA=='}]}), 'n1').type, 'fail');
});

test('a cas whose compare failed (succeeded left out) is a definite cas_mismatch', () => {
  assert.deepEqual(outcomeOf(cas, reply(200, {...header, succeeded: true, responses: []}), 'n2'), {type: 'ok', value: [3, 4], node: 'n2'});
  assert.deepEqual(outcomeOf(cas, reply(200, header), 'n2'), {type: 'fail', error: 'cas_mismatch', node: 'n2'});
  assert.deepEqual(outcomeOf(write, reply(200, header), 'n2'), {type: 'ok', value: 7, node: 'n2'});
});

test('no connection is a definite failure; no reply after sending is info for writes and a failure for reads', () => {
  const refused: GatewayResult = {type: 'no-reply', sent: false, reason: 'connect ECONNREFUSED 127.0.0.1:1'};
  const lost: GatewayResult = {type: 'no-reply', sent: true, reason: 'no reply within 1000 ms'};
  assert.equal(outcomeOf(write, refused, 'n1').type, 'fail');
  assert.deepEqual(outcomeOf(write, lost, 'n1'), {type: 'info', error: 'no reply within 1000 ms', node: 'n1'});
  assert.equal(outcomeOf(cas, lost, 'n1').type, 'info');
  assert.equal(outcomeOf(read, lost, 'n1').type, 'fail');
});

test('etcd errors: refused before proposing is fail, anything that may still commit is info', () => {
  const error = (message: string, code: number) => reply(503, {error: message, message, code});
  assert.deepEqual(outcomeOf(write, error('etcdserver: request timed out', 14), 'n3'), {type: 'info', error: 'etcdserver: request timed out', node: 'n3'});
  assert.equal(outcomeOf(cas, error('etcdserver: leader changed', 14), 'n3').type, 'info');
  assert.equal(outcomeOf(write, error('etcdserver: server stopped', 14), 'n3').type, 'info');
  assert.equal(outcomeOf(write, error('raft proposal dropped', 2), 'n3').type, 'fail');
  assert.equal(outcomeOf(write, error('etcdserver: too many requests', 8), 'n3').type, 'fail');
  assert.equal(outcomeOf(cas, reply(400, {error: 'illegal base64 data at input byte 0', code: 3}), 'n3').type, 'fail');
  assert.deepEqual(outcomeOf(read, error('etcdserver: request timed out', 14), 'n3'), {type: 'fail', error: 'etcdserver: request timed out', node: 'n3'});
});
