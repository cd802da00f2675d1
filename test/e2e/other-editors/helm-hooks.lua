-- Neovim (0.7 or later): the Helm Hooks language server on the YAML files of a Helm chart.
-- Neovim gives chart templates the filetype `yaml`; the server checks `yaml` documents under a chart's templates/
-- (and Chart.yaml, values.yaml), and finds the chart itself, so one client per chart folder is enough.
local server = vim.env.HELM_HOOKS_SERVER or '/path/to/helm-hooks/dist/server.js'
local clients = {}

vim.api.nvim_create_autocmd('FileType', {
  pattern = { 'yaml', 'helm' },
  callback = function(args)
    local file = vim.api.nvim_buf_get_name(args.buf)
    local chart_yaml = vim.fn.findfile('Chart.yaml', vim.fn.fnamemodify(file, ':p:h') .. ';')
    if chart_yaml == '' then
      return
    end
    local root = vim.fn.fnamemodify(chart_yaml, ':p:h')
    clients[root] = clients[root] or vim.lsp.start_client({
      name = 'helm-hooks',
      cmd = { 'node', server, '--stdio' },
      root_dir = root,
    })
    vim.lsp.buf_attach_client(args.buf, clients[root])
  end,
})
