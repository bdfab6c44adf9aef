import { connect, type Socket } from 'node:net';

/**
 * Sample ORU^R01 messages written for Jointly's tests and benchmark (no real patient: the NHS numbers are the
 * demo's 999 test range), and a small MLLP client.
 */

export const VT = 0x0b;
export const FS = 0x1c;
export const CR = 0x0d;

/** One segment from its fields by number: `segment('OBX', { 1: '1', 3: '718-7^Hemoglobin^LN' })`. */
export function segment(name: string, fields: Record<number, string>): string {
  const last = Math.max(0, ...Object.keys(fields).map(Number));
  // MSH-1 is the field separator itself, so MSH's fields are written from MSH-2.
  const first = name === 'MSH' ? 2 : 1;
  const values = Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => fields[i + first] ?? '');
  return [name, ...values].join('|');
}

export interface SampleResult {
  code: string;
  text: string;
  system?: string;
  value: string;
  unit: string;
  range?: string;
  status?: string;
  valueType?: string;
  observedAt?: string;
  comment?: string;
}

export interface SampleOrder {
  code: string;
  text: string;
  observedAt?: string;
  comment?: string;
  results: SampleResult[];
}

export interface SampleMessage {
  controlId: string;
  facility?: string;
  version?: string;
  nhsNumber?: string | null;
  dateOfBirth?: string;
  /** Extra PID-3 repetitions before the NHS number (a hospital number). */
  orders: SampleOrder[];
}

/** An ORU^R01 as a hospital laboratory sends it, segments ended by CR. */
export function oruMessage(m: SampleMessage): string {
  const facility = m.facility ?? 'LH001';
  const version = m.version ?? '2.5.1';
  const identifiers = ['H123456^^^LH001^MR'];
  if (m.nhsNumber !== null) identifiers.unshift(`${m.nhsNumber ?? '9990000018'}^^^NHS^NH`);
  const lines = [
    segment('MSH', {
      2: '^~\\&',
      3: 'WINPATH',
      4: facility,
      5: 'JOINTLY',
      6: 'SC001',
      7: '20261125143000',
      9: version === '2.3' ? 'ORU^R01' : 'ORU^R01^ORU_R01',
      10: m.controlId,
      11: 'P',
      12: version,
    }),
    segment('PID', {
      1: '1',
      3: identifiers.join('~'),
      5: 'HART^Amelia',
      7: m.dateOfBirth ?? '20160314',
      8: 'F',
    }),
  ];
  m.orders.forEach((order, i) => {
    lines.push(
      segment('OBR', {
        1: String(i + 1),
        2: `ORD${i + 1}`,
        4: `${order.code}^${order.text}^L`,
        7: order.observedAt ?? '20261125091500',
        25: 'F',
      }),
    );
    if (order.comment) lines.push(segment('NTE', { 1: '1', 2: 'L', 3: order.comment }));
    order.results.forEach((r, j) => {
      lines.push(
        segment('OBX', {
          1: String(j + 1),
          2: r.valueType ?? 'NM',
          3: `${r.code}^${r.text}^${r.system ?? 'LN'}`,
          5: r.value,
          6: r.unit,
          7: r.range ?? '',
          11: r.status ?? 'F',
          14: r.observedAt ?? '',
        }),
      );
      if (r.comment) lines.push(segment('NTE', { 1: '1', 2: 'L', 3: r.comment }));
    });
  });
  return `${lines.join('\r')}\r`;
}

/** A full blood count, normal unless a neutrophil count is given. */
export function fbc(neutrophils = '3.1'): SampleOrder {
  return {
    code: 'FBC',
    text: 'Full blood count',
    results: [
      { code: '718-7', text: 'Hemoglobin', value: '118', unit: 'g/L', range: '115-155' },
      { code: '6690-2', text: 'Leukocytes', value: '6.2', unit: '10*9/L^^UCUM', range: '4.5-13.5' },
      { code: '751-8', text: 'Neutrophils', value: neutrophils, unit: '10*9/L^^UCUM', range: '1.5-8.0' },
      { code: '777-3', text: 'Platelets', value: '310', unit: '10*9/L^^UCUM', range: '150-450' },
    ],
  };
}

/** Liver function tests, all normal. */
export function lft(): SampleOrder {
  return {
    code: 'LFT',
    text: 'Liver function tests',
    results: [
      { code: '1742-6', text: 'ALT', value: '24', unit: 'U/L', range: '<40' },
      { code: '6768-6', text: 'Alkaline phosphatase', value: '210', unit: 'U/L', range: '100-390' },
      { code: '1751-7', text: 'Albumin', value: '42', unit: 'g/L', range: '35-50' },
    ],
  };
}

/** v2.5.1: two OBR groups, NTE on the order and on a result, UCUM units, SPM with the collection time. */
export const SAMPLE_251 = [
  'MSH|^~\\&|WINPATH|LH001^2.16.840.1.113883.2.1.3.2.4.17.1^ISO|JOINTLY|SC001|20261125143000+0000||ORU^R01^ORU_R01|LH001-000123|P|2.5.1|||AL|NE||UNICODE UTF-8',
  'PID|1||H123456^^^LH001^MR~9990000018^^^NHS^NH||HART^Amelia^^^^^L||20160314|F|||1 Any Street^^Northfield^^NF1 2AB',
  'PV1|1|O',
  'ORC|RE|ORD123|LAB456',
  segment('OBR', {
    1: '1',
    2: 'ORD123',
    3: 'LAB456',
    4: 'FBC^Full blood count^L',
    7: '20261125091500+0000',
    22: '20261125143000+0000',
    24: 'HM',
    25: 'F',
  }),
  'NTE|1|L|Sample received in good condition',
  'OBX|1|NM|718-7^Hemoglobin^LN||118|g/L^^UCUM|115-155|N|||F',
  'OBX|2|NM|6690-2^Leukocytes^LN||6.2|10*9/L^^UCUM|4.5-13.5|N|||F',
  'OBX|3|NM|751-8^Neutrophils^LN||3.1|10*9/L^^UCUM|1.5-8.0|N|||F',
  'NTE|1|L|Manual differential confirms',
  'NTE|2|L|No blasts seen',
  'OBX|4|NM|777-3^Platelets^LN||310|10*9/L^^UCUM|150-450|N|||F',
  segment('SPM', { 1: '1', 4: 'BLD^Blood^HL70487', 17: '20261124091500' }),
  'OBX|1|ST|SPECQ^Specimen quality^L||Good||||||F',
  'OBR|2|ORD124|LAB457|LFT^Liver function tests^L|||20261125091500',
  'OBX|1|NM|1742-6^ALT^LN||24|U/L|<40|N|||F',
  'OBX|2|NM|6768-6^Alkaline phosphatase^LN||210|U/L|100-390|N|||F',
  'OBX|3|NM|1751-7^Albumin^LN||42|g/L|35-50|N|||F',
].join('\r');

/** v2.3: the lab's own codes with LOINC as the alternate, an escaped "^" in a unit, the NHS number by type only. */
export const SAMPLE_23 = [
  'MSH|^~\\&|TELEPATH|GP001|JOINTLY|SC001|202611251430||ORU^R01|TP-77|P|2.3',
  'PID|1||9990000026^^^^NH||BENNETT^Oliver||20120902|M',
  'OBR|1||LAB9|FBC^Full blood count^L|||202611241000',
  'OBX|1|NM|WBC^White cell count^L^6690-2^Leukocytes^LN||7.1|x10\\S\\9/L|4.0-11.0|N|||F',
  'OBX|2|NM|NEUT^Neutrophils^L||4.2|x10\\S\\9/L|2.0-7.5|N|||F',
  'OBX|3|NM|HB^Haemoglobin^L^718-7^Hemoglobin^LN||13.2|g/dL|11.5-15.5|N|||F',
].join('\r');

/** v2.4: NHS number by OID, dates in OBX-14, a preliminary and a corrected result, a text comment OBX. */
export const SAMPLE_24 = [
  'MSH|^~\\&|LIMS|LH001|JOINTLY|SC001|20261125143000||ORU^R01|L24-5|P|2.4',
  'PID|1||9990000018^^^&2.16.840.1.113883.2.1.4.1&ISO||HART^Amelia||20160314000000|F',
  'OBR|1||LAB1|UE^Urea and electrolytes^L',
  'OBX|1|NM|14682-9^Creatinine^LN||38|umol/L|25-60|N|||C|||20261123080000',
  'OBX|2|NM|22664-7^Urea^LN||4.1|mmol/L|2.5-6.5|N|||P|||20261123080000',
  'OBX|3|TX|COMMENT^Comment^L||Repeat in one week if creatinine rises||||||F|||20261123080000',
  'OBX|4|SN|1988-5^CRP^LN||^4|mg/L|<5|N|||F|||20261123080000',
].join('\r');

/** A minimal MLLP client: one frame out, one ACK back, over one connection. */
export class MllpClient {
  private buffer = Buffer.alloc(0);
  private waiting: ((ack: string) => void)[] = [];
  private closedWith: ((reason: string) => void)[] = [];
  readonly socket: Socket;
  closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk) => this.receive(chunk));
    socket.on('close', () => {
      this.closed = true;
      for (const reject of this.closedWith.splice(0)) reject('closed');
    });
    socket.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<MllpClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => resolve(new MllpClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends one message and waits for its ACK; rejects with 'closed' if the listener closes instead. */
  send(message: string): Promise<string> {
    const ack = this.nextAck();
    this.socket.write(
      Buffer.concat([Buffer.from([VT]), Buffer.from(message, 'utf8'), Buffer.from([FS, CR])]),
    );
    return ack;
  }

  /** Writes raw bytes (split frames, junk) and waits for the next ACK or the close. */
  sendRaw(bytes: Buffer): Promise<string> {
    const ack = this.nextAck();
    this.socket.write(bytes);
    return ack;
  }

  nextAck(): Promise<string> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error('closed'));
      this.waiting.push(resolve);
      this.closedWith.push((reason) => reject(new Error(reason)));
    });
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const start = this.buffer.indexOf(VT);
      const end = this.buffer.indexOf(FS, start + 1);
      if (start < 0 || end < 0 || this.buffer[end + 1] !== CR) return;
      const ack = this.buffer.subarray(start + 1, end).toString('utf8');
      this.buffer = this.buffer.subarray(end + 2);
      this.closedWith.shift();
      this.waiting.shift()?.(ack);
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.end();
    });
  }
}

/** The MSA-1 code of an ACK: AA, AE or AR. */
export function ackCode(ack: string): string {
  return /(?:^|\r)MSA\|([A-Z]{2})/.exec(ack)?.[1] ?? '';
}

/** The ERR segments of an ACK. */
export function errSegments(ack: string): string[] {
  return ack.split('\r').filter((s) => s.startsWith('ERR|'));
}
