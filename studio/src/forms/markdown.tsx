/**
 * Rich text is stored as a small Markdown dialect and shown through React elements only:
 * paragraphs, line breaks, `#` headings, `-`/`1.` lists, **bold**, *italic*, `code` and
 * [links](https://…) (http, https and mailto only). Nothing is ever injected as HTML, so a
 * stored `<script>` is just text.
 */
import { Fragment, type ReactNode } from 'react';
import { Link, Typography } from '@mui/material';

const INLINE = /(\*\*[^*\n]+\*\*|__[^_\n]+__|\*[^*\n]+\*|_[^_\n]+_|`[^`\n]+`|\[[^\]\n]+\]\([^)\s]+\))/g;

export function safeLink(href: string): string | undefined {
  try {
    const u = new URL(href);
    return u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'mailto:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

function inline(text: string, key: string): ReactNode[] {
  const out: ReactNode[] = [];
  text.split(INLINE).forEach((part, i) => {
    if (!part) return;
    const k = `${key}.${i}`;
    if ((part.startsWith('**') && part.endsWith('**')) || (part.startsWith('__') && part.endsWith('__'))) out.push(<strong key={k}>{part.slice(2, -2)}</strong>);
    else if ((part.startsWith('*') && part.endsWith('*')) || (part.startsWith('_') && part.endsWith('_'))) out.push(<em key={k}>{part.slice(1, -1)}</em>);
    else if (part.startsWith('`') && part.endsWith('`')) out.push(<code key={k}>{part.slice(1, -1)}</code>);
    else if (part.startsWith('[')) {
      const m = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(part);
      const href = m ? safeLink(m[2]) : undefined;
      out.push(m && href ? <Link key={k} href={href} target="_blank" rel="noopener noreferrer nofollow">{m[1]}</Link> : <Fragment key={k}>{m ? m[1] : part}</Fragment>);
    } else out.push(<Fragment key={k}>{part}</Fragment>);
  });
  return out;
}

function lines(text: string, key: string): ReactNode[] {
  return text.split('\n').flatMap((line, i) => (i ? [<br key={`${key}.br${i}`} />, ...inline(line, `${key}.${i}`)] : inline(line, `${key}.${i}`)));
}

export function Markdown({ text }: { text: string }) {
  const blocks = text.replace(/\r\n?/g, '\n').split(/\n{2,}/).map((b) => b.replace(/^\n+|\n+$/g, '')).filter(Boolean);
  return (
    <>
      {blocks.map((block, i) => {
        const key = `b${i}`;
        const heading = /^(#{1,3})\s+(.*)$/.exec(block);
        if (heading && !block.includes('\n')) {
          const variant = heading[1].length === 1 ? 'h6' : 'subtitle1';
          return <Typography key={key} variant={variant} component={`h${heading[1].length + 2}` as 'h3'} sx={{ mt: 1, fontWeight: 600 }}>{inline(heading[2], key)}</Typography>;
        }
        const items = block.split('\n');
        if (items.every((l) => /^\s*[-*]\s+/.test(l))) {
          return <ul key={key} style={{ margin: '4px 0', paddingLeft: 24 }}>{items.map((l, j) => <li key={j}>{inline(l.replace(/^\s*[-*]\s+/, ''), `${key}.${j}`)}</li>)}</ul>;
        }
        if (items.every((l) => /^\s*\d+[.)]\s+/.test(l))) {
          return <ol key={key} style={{ margin: '4px 0', paddingLeft: 24 }}>{items.map((l, j) => <li key={j}>{inline(l.replace(/^\s*\d+[.)]\s+/, ''), `${key}.${j}`)}</li>)}</ol>;
        }
        return <Typography key={key} variant="body2" component="p" sx={{ my: 0.75 }}>{lines(block, key)}</Typography>;
      })}
    </>
  );
}

/** The text of rich text without its markup (previews, timeline). */
export function plainText(text: string): string {
  return text
    .replace(/\[([^\]]+)\]\([^)\s]+\)/g, '$1')
    .replace(/^\s*(#{1,3}|[-*]|\d+[.)])\s+/gm, '')
    .replace(/(\*\*|__|`)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}
