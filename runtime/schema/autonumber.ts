/**
 * Autonumber display: `ORD-{0000}` → `ORD-0042`. One definition, used by the deploy (numbering
 * existing records) and by the record pipeline (numbering new ones), so both agree.
 */
export interface AutonumberFormat { prefix: string; width: number; suffix: string }

export function autonumberFormat(format: string | undefined): AutonumberFormat {
  const m = /^(.*?)\{(0+)\}(.*)$/s.exec(format ?? '');
  if (!m) return { prefix: format ?? '', width: 0, suffix: '' };
  return { prefix: m[1], width: m[2].length, suffix: m[3] };
}

export function formatAutonumber(format: string | undefined, n: number): string {
  const { prefix, width, suffix } = autonumberFormat(format);
  return `${prefix}${String(n).padStart(width, '0')}${suffix}`;
}
