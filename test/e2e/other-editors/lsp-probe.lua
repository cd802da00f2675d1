-- Run after helm-hooks.lua has attached the server to the current buffer: waits for the server's first
-- textDocument/publishDiagnostics for this file and prints it on stdout, one line per diagnostic:
--   client <name>
--   diagnostics <count>
--   <line>:<col> <severity> <code> <message>        (1-based, as an editor shows them)
-- Exit status: 0 printed; 2 no client attached, 3 nothing published, within PROBE_TIMEOUT_MS each.
local bufnr = vim.api.nvim_get_current_buf()
local uri = vim.uri_from_bufnr(bufnr)
local timeout = tonumber(vim.env.PROBE_TIMEOUT_MS or '20000')
local published = nil

local default = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  default(err, result, ctx, config)
  if result and result.uri == uri and published == nil then
    published = result.diagnostics
  end
end

local function out(line)
  io.stdout:write(line .. '\n')
end

-- A client counts as attached once the server has answered `initialize`.
if not vim.wait(timeout, function() return not vim.tbl_isempty(vim.lsp.buf_get_clients(bufnr)) end, 50) then
  out('FAIL: no language server attached to ' .. uri)
  vim.cmd('cquit 2')
end
for _, client in pairs(vim.lsp.buf_get_clients(bufnr)) do
  out('client ' .. client.name)
end

if not vim.wait(timeout, function() return published ~= nil end, 50) then
  out('FAIL: no diagnostics published within ' .. timeout .. ' ms')
  vim.cmd('cquit 3')
end

local severities = { 'error', 'warning', 'info', 'hint' }
out('diagnostics ' .. #published)
for _, d in ipairs(published) do
  out(string.format('%d:%d %s %s %s', d.range.start.line + 1, d.range.start.character + 1,
    severities[d.severity] or '?', tostring(d.code), (d.message:gsub('\n', ' '))))
end
vim.lsp.stop_client(vim.lsp.get_active_clients())
vim.wait(5000, function() return vim.tbl_isempty(vim.lsp.get_active_clients()) end, 50)
vim.cmd('qa!')
