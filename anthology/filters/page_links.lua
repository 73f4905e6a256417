-- A saved page's links: only one to another site (http, https, mailto) means anything in a book;
-- an in-page anchor or a link relative to the page's own site keeps its text only.
function Link(link)
  if link.target:match('^https?://') or link.target:match('^mailto:') then
    return link
  end
  return link.content
end
