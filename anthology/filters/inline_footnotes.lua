-- Put each footnote's text where its call is, as <span class="footnote">, so that WeasyPrint's
-- `float: footnote` can set it at the foot of the page the call falls on. Paragraphs of a
-- multi-paragraph note are kept apart with a line break.
--
-- The word before a call and the call are held together in a `<span class="with-call">` (the
-- print style sheet makes it unbreakable): WeasyPrint would otherwise break a line between them
-- when the call alone does not fit, and print the call at the start of the next line.
--
-- The build does this in Python (anthology/render/pdf/inline_footnotes.py, tested against this
-- filter, byte for byte): the filter runs only on a section with a note that holds more than
-- paragraphs.
--
-- Each note gets an id, `<text-id>-fn<N>`, numbered per text (a text is a level-1 heading with
-- class `text`), and its number in `data-note`: the footnote check looks for every id on the
-- laid-out pages, since WeasyPrint can silently drop a note's body.

local function is_text_heading(block)
  return block.t == 'Header' and block.level == 1 and block.classes:includes('text')
end

function Pandoc(doc)
  local text_id, count = 'book', 0
  local function note_to_span(note)
    count = count + 1
    local inlines = pandoc.utils.blocks_to_inlines(note.content, {pandoc.LineBreak()})
    return pandoc.Span(inlines, {id = text_id .. '-fn' .. count, class = 'footnote',
                                 ['data-note'] = tostring(count)})
  end
  local function glue_calls(inlines)
    local out = pandoc.List()
    for _, inline in ipairs(inlines) do
      local last = out[#out]
      if inline.t == 'Note' and last and last.t == 'Str' then
        out[#out] = pandoc.Span({last, note_to_span(inline)}, {class = 'with-call'})
      elseif inline.t == 'Note' then
        out:insert(note_to_span(inline))
      else
        out:insert(inline)
      end
    end
    return out
  end
  local blocks = pandoc.List()
  for _, block in ipairs(doc.blocks) do
    if is_text_heading(block) then
      text_id, count = block.identifier, 0
    end
    blocks:insert(pandoc.walk_block(block, {Inlines = glue_calls}))
  end
  doc.blocks = blocks
  return doc
end
