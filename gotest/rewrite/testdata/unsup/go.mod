module example.com/unsup

go 1.22
