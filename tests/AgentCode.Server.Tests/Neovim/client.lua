-- Drives Neovim's built-in LSP client (0.7: vim.lsp.start_client) against the agentcode server: opens the file in
-- AGENTCODE_FILE, waits for its diagnostics, asks for its code lenses, writes both as JSON to AGENTCODE_OUT and
-- quits. Any failure is written to the same file, so the test reads a reason instead of waiting for a timeout.
local out = vim.env.AGENTCODE_OUT

local function finish(result)
  local f = assert(io.open(out, "w"))
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd("qa!")
end

local ok, err = pcall(function()
  local client_id = vim.lsp.start_client({
    name = "agentcode",
    cmd = { "dotnet", vim.env.AGENTCODE_DLL, "lsp", "--stdio" },
    root_dir = vim.fn.fnamemodify(vim.env.AGENTCODE_FILE, ":h"),
  })
  assert(client_id, "the language server did not start")
  vim.cmd("edit " .. vim.fn.fnameescape(vim.env.AGENTCODE_FILE))
  local buf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buf, client_id)

  local deadline = tonumber(vim.env.AGENTCODE_DEADLINE_MS)
  local got = vim.wait(deadline, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  assert(got, "no diagnostics arrived")
  local diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(diagnostics, { code = d.code, message = d.message, line = d.lnum, severity = d.severity, source = d.source })
  end

  local responses = vim.lsp.buf_request_sync(buf, "textDocument/codeLens",
    { textDocument = vim.lsp.util.make_text_document_params(buf) }, deadline)
  assert(responses, "no code lens response")
  local lenses = {}
  for _, response in pairs(responses) do
    assert(not response.err, vim.inspect(response.err))
    for _, lens in ipairs(response.result or {}) do
      table.insert(lenses, { title = lens.command.title, command = lens.command.command, line = lens.range.start.line })
    end
  end
  finish({ diagnostics = diagnostics, lenses = lenses })
end)
if not ok then
  finish({ error = tostring(err) })
end
