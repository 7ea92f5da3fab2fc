/** Resource limits applied to every stanza (top-level element) a parser reads. */
export interface XmlLimits {
  /** Most bytes of raw input one stanza may span, from its start tag's '<' to its end tag's '>'. */
  maxStanzaBytes: number;
  /** Deepest element nesting allowed, counting the stanza itself as depth 1. */
  maxDepth: number;
}
