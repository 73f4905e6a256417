-- Put each footnote's text where its call is, as <span class="footnote">, so that WeasyPrint's
-- `float: footnote` can set it at the foot of the page the call falls on. Paragraphs of a
-- multi-paragraph note are kept apart with a line break.
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
  local blocks = pandoc.List()
  for _, block in ipairs(doc.blocks) do
    if is_text_heading(block) then
      text_id, count = block.identifier, 0
    end
    blocks:insert(pandoc.walk_block(block, {Note = note_to_span}))
  end
  doc.blocks = blocks
  return doc
end
