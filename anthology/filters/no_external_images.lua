-- Source texts carry no pictures of their own; an image in one was pasted from a web page and
-- would make a reading system (or the PDF renderer) fetch a remote or local file. Keep its
-- description as text instead.
function Image(image)
  local alt = pandoc.utils.stringify(image.caption)
  if alt == '' then alt = 'image omitted' end
  return pandoc.Emph({pandoc.Str('[' .. alt .. ']')})
end
