import {
  type AckCode,
  type Hl7Problem,
  hl7ErrorCodes,
  type MessageHeader,
  supportedVersions,
} from './hl7-oru.rules.ts';

/** At most this many ERR segments: enough to say what is wrong, not a second copy of a huge message. */
const MAX_ERR_SEGMENTS = 20;

/** CR, LF and MLLP's VT and FS: none may appear inside a field. */
const LINE_BREAKS_AND_FRAMING = new RegExp(`[\r\n${String.fromCharCode(0x0b, 0x1c)}]+`, 'g');

/** Text made safe inside an HL7 field: separators escaped, line breaks made spaces. */
export function escapeHl7(text: string): string {
  return text
    .replace(/\\/g, '\\E\\')
    .replace(/\|/g, '\\F\\')
    .replace(/\^/g, '\\S\\')
    .replace(/&/g, '\\T\\')
    .replace(/~/g, '\\R\\')
    .replace(LINE_BREAKS_AND_FRAMING, ' ');
}

/** YYYYMMDDHHMMSS+0000 */
function hl7Timestamp(now: Date): string {
  return `${now.toISOString().replace(/[-:T]/g, '').slice(0, 14)}+0000`;
}

/**
 * The acknowledgement for a message: MSH, MSA (AA accepted, AE error, AR rejected) and one ERR per problem.
 * ERR is written both ways: ERR-1 (v2.3/2.4: segment^sequence^field^code&text) and ERR-2/3/4/8 (v2.5), so an
 * older and a newer receiver both find the location, the HL7 error code and Jointly's words.
 */
export function buildAck(args: {
  code: AckCode;
  header: MessageHeader | null;
  problems?: readonly Hl7Problem[];
  now: Date;
  ackControlId: string;
}): string {
  const { header, code } = args;
  const problems = (args.problems ?? []).slice(0, MAX_ERR_SEGMENTS);
  const version =
    header && (supportedVersions as readonly string[]).includes(header.version) ? header.version : '2.5.1';
  const messageType = version === '2.3' ? 'ACK^R01' : 'ACK^R01^ACK';
  const msh = [
    'MSH',
    '^~\\&',
    'JOINTLY',
    'JOINTLY',
    header?.sendingApplicationField ?? '',
    header?.sendingFacilityField ?? '',
    hl7Timestamp(args.now),
    '',
    messageType,
    escapeHl7(args.ackControlId),
    'P',
    version,
  ].join('|');
  const summary =
    code === 'AA'
      ? 'Message accepted'
      : `${code === 'AR' ? 'Rejected' : 'Not recorded'}: ${problems[0]?.message ?? 'the message could not be processed'}`;
  const msa = ['MSA', code, escapeHl7(header?.controlId ?? ''), escapeHl7(summary.slice(0, 200))].join('|');
  return [msh, msa, ...problems.map(errSegment)].join('\r');
}

function errSegment(p: Hl7Problem): string {
  const { code, text } = hl7ErrorCodes[p.error];
  const location = [p.segment, String(p.sequence), p.field === null ? '' : String(p.field)].join('^');
  const words = escapeHl7(p.message);
  const legacy = `${location}^${code}&${words}&HL70357`;
  return ['ERR', legacy, location, `${code}^${text}^HL70357`, 'E', '', '', '', words].join('|');
}
