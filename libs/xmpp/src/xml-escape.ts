const ATTR_SPECIALS = /[&<>"']/g;
const TEXT_SPECIALS = /[&<>]/g;

const ENTITY: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

function toEntity(ch: string): string {
  return ENTITY[ch] ?? ch;
}

export function escapeAttr(value: string): string {
  return value.replace(ATTR_SPECIALS, toEntity);
}

export function escapeText(value: string): string {
  return value.replace(TEXT_SPECIALS, toEntity);
}
