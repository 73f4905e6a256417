-- Put each footnote's text where its call is, as <span class="footnote">, so that WeasyPrint's
-- `float: footnote` can set it at the foot of the page the call falls on. Paragraphs of a
-- multi-paragraph note are kept apart with a line break.
function Note(note)
  return pandoc.Span(pandoc.utils.blocks_to_inlines(note.content, {pandoc.LineBreak()}),
                     {class = 'footnote'})
end
